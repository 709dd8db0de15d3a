using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Protos;
using Google.Protobuf;

namespace EdgeMicro.TestKit;

/// <summary>Builds small synthetic ONNX models with the generated protobuf classes.</summary>
public sealed class OnnxModelBuilder
{
    private readonly ModelProto _model;

    /// <summary>Starts a model importing the default domain at <paramref name="opset"/>.</summary>
    /// <param name="opset">Opset version.</param>
    public OnnxModelBuilder(int opset = 13)
    {
        _model = new ModelProto { IrVersion = 7, ProducerName = "EdgeMicro.Onnx.Tests", Graph = new GraphProto { Name = "synthetic" } };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
    }

    /// <summary>The model message, for tests that tamper with it.</summary>
    public ModelProto Model => _model;

    /// <summary>Adds a float graph input; a null dim is symbolic (dim_param "N").</summary>
    /// <param name="name">Name.</param>
    /// <param name="dims">Dimensions (null = symbolic).</param>
    /// <returns>This builder.</returns>
    public OnnxModelBuilder Input(string name, params long?[] dims)
    {
        _model.Graph.Input.Add(ValueInfo(name, dims));
        return this;
    }

    /// <summary>Adds a float graph output.</summary>
    /// <param name="name">Name.</param>
    /// <param name="dims">Dimensions (null = symbolic).</param>
    /// <returns>This builder.</returns>
    public OnnxModelBuilder Output(string name, params long?[] dims)
    {
        _model.Graph.Output.Add(ValueInfo(name, dims));
        return this;
    }

    /// <summary>Adds a float initializer (float_data, or raw_data little-endian).</summary>
    /// <param name="name">Name.</param>
    /// <param name="dims">Dimensions.</param>
    /// <param name="data">Values in C order.</param>
    /// <param name="raw">Store in raw_data.</param>
    /// <returns>This builder.</returns>
    public OnnxModelBuilder Initializer(string name, long[] dims, float[] data, bool raw = false)
    {
        _model.Graph.Initializer.Add(FloatTensor(name, dims, data, raw));
        return this;
    }

    /// <summary>Adds a 1-D int64 initializer.</summary>
    /// <param name="name">Name.</param>
    /// <param name="data">Values.</param>
    /// <returns>This builder.</returns>
    public OnnxModelBuilder Int64Initializer(string name, params long[] data)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(data.Length);
        t.Int64Data.Add(data);
        _model.Graph.Initializer.Add(t);
        return this;
    }

    /// <summary>Adds a node.</summary>
    /// <param name="op">Op type.</param>
    /// <param name="inputs">Input names ("" = omitted).</param>
    /// <param name="output">Output name.</param>
    /// <param name="attributes">Attributes (see the Attr helpers).</param>
    /// <returns>This builder.</returns>
    public OnnxModelBuilder Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output + "_node" };
        node.Input.Add(inputs);
        node.Output.Add(output);
        node.Attribute.Add(attributes);
        _model.Graph.Node.Add(node);
        return this;
    }

    /// <summary>Serializes the model.</summary>
    /// <returns>The .onnx bytes.</returns>
    public byte[] Build() => _model.ToByteArray();

    /// <summary>Serializes and imports the model.</summary>
    /// <returns>The graph.</returns>
    public OnnxGraph Load() => OnnxModelLoader.Load(Build());

    /// <summary>Integer attribute.</summary>
    /// <param name="name">Name.</param>
    /// <param name="value">Value.</param>
    /// <returns>The attribute.</returns>
    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>Float attribute.</summary>
    /// <param name="name">Name.</param>
    /// <param name="value">Value.</param>
    /// <returns>The attribute.</returns>
    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>String attribute.</summary>
    /// <param name="name">Name.</param>
    /// <param name="value">Value.</param>
    /// <returns>The attribute.</returns>
    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>Integer-list attribute.</summary>
    /// <param name="name">Name.</param>
    /// <param name="values">Values.</param>
    /// <returns>The attribute.</returns>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    /// <summary>Float tensor message.</summary>
    /// <param name="name">Name.</param>
    /// <param name="dims">Dimensions.</param>
    /// <param name="data">Values.</param>
    /// <param name="raw">Store in raw_data.</param>
    /// <returns>The tensor.</returns>
    public static TensorProto FloatTensor(string name, long[] dims, float[] data, bool raw = false)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.Add(dims);
        if (raw)
        {
            var bytes = new byte[data.Length * 4];
            for (int i = 0; i < data.Length; i++)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), data[i]);
            }

            t.RawData = ByteString.CopyFrom(bytes);
        }
        else
        {
            t.FloatData.Add(data);
        }

        return t;
    }

    private static ValueInfoProto ValueInfo(string name, long?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long? d in dims)
        {
            shape.Dim.Add(d is { } v ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } },
        };
    }
}
