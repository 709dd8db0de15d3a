using EdgeMicro.Onnx.Protos;
using Google.Protobuf;

namespace EdgeMicro.Cli.Tests.Support;

/// <summary>
/// Builds small synthetic ONNX models with the generated protobuf classes (trimmed copy of
/// tests/EdgeMicro.Onnx.Tests/OnnxModelBuilder.cs).
/// </summary>
internal sealed class OnnxModelBuilder
{
    private readonly ModelProto _model;

    /// <summary>Initializes a new instance of the <see cref="OnnxModelBuilder"/> class.</summary>
    /// <param name="opset">Default-domain opset.</param>
    public OnnxModelBuilder(int opset = 13)
    {
        _model = new ModelProto { IrVersion = 7, ProducerName = "EdgeMicro.Cli.Tests", Graph = new GraphProto { Name = "synthetic" } };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
    }

    /// <summary>Adds a float graph input.</summary>
    /// <param name="name">Name.</param>
    /// <param name="dims">Dimensions.</param>
    /// <returns>This builder.</returns>
    public OnnxModelBuilder Input(string name, params long[] dims)
    {
        _model.Graph.Input.Add(ValueInfo(name, dims));
        return this;
    }

    /// <summary>Adds a float graph output.</summary>
    /// <param name="name">Name.</param>
    /// <param name="dims">Dimensions.</param>
    /// <returns>This builder.</returns>
    public OnnxModelBuilder Output(string name, params long[] dims)
    {
        _model.Graph.Output.Add(ValueInfo(name, dims));
        return this;
    }

    /// <summary>Adds a float initializer.</summary>
    /// <param name="name">Name.</param>
    /// <param name="dims">Dimensions.</param>
    /// <param name="data">Values in C order.</param>
    /// <returns>This builder.</returns>
    public OnnxModelBuilder Initializer(string name, long[] dims, float[] data)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.Add(dims);
        t.FloatData.Add(data);
        _model.Graph.Initializer.Add(t);
        return this;
    }

    /// <summary>Adds a node.</summary>
    /// <param name="op">Op type.</param>
    /// <param name="inputs">Input names.</param>
    /// <param name="output">Output name.</param>
    /// <param name="attributes">Attributes.</param>
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

    /// <summary>Integer attribute.</summary>
    /// <param name="name">Name.</param>
    /// <param name="value">Value.</param>
    /// <returns>The attribute.</returns>
    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

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

    private static ValueInfoProto ValueInfo(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } },
        };
    }
}
