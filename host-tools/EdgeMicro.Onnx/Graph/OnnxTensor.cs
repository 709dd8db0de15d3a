namespace EdgeMicro.Onnx.Graph;

/// <summary>A dense tensor (initializer, Constant output or evaluated value) in C (row-major) order.</summary>
public sealed class OnnxTensor
{
    private static readonly int[] NoDims = [];

    /// <summary>Creates a float tensor.</summary>
    /// <param name="name">Value name ("" when anonymous).</param>
    /// <param name="dims">Dimensions (empty for a scalar).</param>
    /// <param name="data">Elements in C order; length must equal the product of <paramref name="dims"/>.</param>
    public OnnxTensor(string name, int[] dims, float[] data)
        : this(name, dims, OnnxDataType.Float, data, [])
    {
    }

    /// <summary>Creates an int64 tensor.</summary>
    /// <param name="name">Value name ("" when anonymous).</param>
    /// <param name="dims">Dimensions (empty for a scalar).</param>
    /// <param name="data">Elements in C order; length must equal the product of <paramref name="dims"/>.</param>
    public OnnxTensor(string name, int[] dims, long[] data)
        : this(name, dims, OnnxDataType.Int64, [], data)
    {
    }

    private OnnxTensor(string name, int[] dims, OnnxDataType type, float[] floats, long[] ints)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dims);
        long count = 1, bound = 1;
        foreach (int d in dims)
        {
            bound *= Math.Max(d, 1);
            count *= d;
            if (d < 0 || bound > ImportLimits.MaxElements)
            {
                throw new ArgumentException($"Invalid dims [{string.Join(", ", dims)}].", nameof(dims));
            }
        }

        int length = type == OnnxDataType.Float ? floats.Length : ints.Length;
        if (count != length)
        {
            throw new ArgumentException($"Dims [{string.Join(", ", dims)}] hold {count} elements, data has {length}.");
        }

        Name = name;
        Dims = dims.Length == 0 ? NoDims : dims;
        DataType = type;
        FloatData = floats;
        Int64Data = ints;
    }

    /// <summary>Value name ("" when anonymous).</summary>
    public string Name { get; }

    /// <summary>Dimensions (empty for a scalar). Treat as read-only.</summary>
    public int[] Dims { get; }

    /// <summary>Element type.</summary>
    public OnnxDataType DataType { get; }

    /// <summary>Elements of a float tensor (empty for an int64 tensor). Treat as read-only.</summary>
    public float[] FloatData { get; }

    /// <summary>Elements of an int64 tensor (empty for a float tensor). Treat as read-only.</summary>
    public long[] Int64Data { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Dims.Length;

    /// <summary>Number of elements.</summary>
    public int ElementCount => DataType == OnnxDataType.Float ? FloatData.Length : Int64Data.Length;

    /// <summary>Element <paramref name="index"/> as a float, whatever the element type.</summary>
    /// <param name="index">Flat C-order index.</param>
    /// <returns>The element value.</returns>
    public float GetFloat(int index) => DataType == OnnxDataType.Float ? FloatData[index] : Int64Data[index];

    /// <summary>Returns a copy with another shape holding the same elements (a C-order reinterpretation).</summary>
    /// <param name="name">Name of the result.</param>
    /// <param name="dims">New dimensions with the same element count.</param>
    /// <returns>The reshaped tensor (shares the element array).</returns>
    public OnnxTensor WithShape(string name, int[] dims) =>
        DataType == OnnxDataType.Float ? new OnnxTensor(name, dims, FloatData) : new OnnxTensor(name, dims, Int64Data);

    /// <inheritdoc />
    public override string ToString() => $"{Name} {DataType}[{string.Join(", ", Dims)}]";
}
