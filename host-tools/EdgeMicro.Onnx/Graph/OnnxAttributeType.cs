namespace EdgeMicro.Onnx.Graph;

/// <summary>Kind of value an <see cref="OnnxAttribute"/> holds.</summary>
public enum OnnxAttributeType
{
    /// <summary>A kind the importer does not read (graph, sparse tensor, tensor list...).</summary>
    Unsupported,

    /// <summary>Single float (<see cref="OnnxAttribute.Float"/>).</summary>
    Float,

    /// <summary>Single integer (<see cref="OnnxAttribute.Int"/>).</summary>
    Int,

    /// <summary>UTF-8 string (<see cref="OnnxAttribute.String"/>).</summary>
    String,

    /// <summary>Tensor (<see cref="OnnxAttribute.Tensor"/>).</summary>
    Tensor,

    /// <summary>List of floats (<see cref="OnnxAttribute.Floats"/>).</summary>
    Floats,

    /// <summary>List of integers (<see cref="OnnxAttribute.Ints"/>).</summary>
    Ints,

    /// <summary>List of strings (<see cref="OnnxAttribute.Strings"/>).</summary>
    Strings,
}
