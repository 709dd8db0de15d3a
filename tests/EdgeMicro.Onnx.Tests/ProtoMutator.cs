using EdgeMicro.Onnx.Protos;
using Google.Protobuf;

namespace EdgeMicro.Onnx.Tests;

/// <summary>
/// Structure-aware mutations: the model stays valid protobuf but gets absurd dims, counts, attribute values,
/// data types, op types, wiring or opsets - what byte flips rarely reach.
/// </summary>
internal static class ProtoMutator
{
    private static readonly string[] OpTypes =
    [
        "Gemm", "MatMul", "Add", "Conv", "BatchNormalization", "Relu", "Clip", "LeakyRelu", "MaxPool", "AveragePool",
        "GlobalAveragePool", "Pad", "Flatten", "Reshape", "Identity", "Dropout", "Softmax", "Sigmoid", "Constant", "Transpose",
    ];

    /// <summary>Applies 1-3 random structured mutations.</summary>
    /// <param name="original">Parsed original model (not modified).</param>
    /// <param name="rng">Random source.</param>
    /// <param name="description">What was done.</param>
    /// <returns>The serialized mutated model.</returns>
    public static byte[] Mutate(ModelProto original, Random rng, out string description)
    {
        ModelProto model = original.Clone();
        var done = new List<string>();
        int steps = 1 + rng.Next(3);
        for (int i = 0; i < steps; i++)
        {
            done.Add(MutateOnce(model, rng));
        }

        description = string.Join("; ", done);
        return model.ToByteArray();
    }

    /// <summary>An absurd value half of the time, else a small plausible one (reaches geometry and shape checks).</summary>
    private static long Absurd(Random rng) =>
        rng.Next(2) == 0 ? ByteMutator.AbsurdValues[rng.Next(ByteMutator.AbsurdValues.Length)] : rng.Next(-2, 6);

    private static string MutateOnce(ModelProto model, Random rng)
    {
        GraphProto g = model.Graph;
        List<TensorProto> tensors = [.. g.Initializer, .. g.Node.SelectMany(n => n.Attribute).Where(a => a.T != null).Select(a => a.T)];
        List<AttributeProto> attributes = [.. g.Node.SelectMany(n => n.Attribute)];
        switch (rng.Next(9))
        {
            case 0 when tensors.Count > 0:
                TensorProto t = tensors[rng.Next(tensors.Count)];
                if (t.Dims.Count == 0 || rng.Next(4) == 0)
                {
                    t.Dims.Add(Absurd(rng));
                    return $"tensor {t.Name}: add dim";
                }

                int d = rng.Next(t.Dims.Count);
                t.Dims[d] = Absurd(rng);
                return $"tensor {t.Name}: dims[{d}] = {t.Dims[d]}";
            case 1 when tensors.Count > 0:
                TensorProto u = tensors[rng.Next(tensors.Count)];
                switch (rng.Next(3))
                {
                    case 0:
                        u.DataType = rng.Next(20);
                        return $"tensor {u.Name}: data_type = {u.DataType}";
                    case 1:
                        u.RawData = ByteString.CopyFrom(u.RawData.Span[..rng.Next(u.RawData.Length + 1)]);
                        return $"tensor {u.Name}: raw_data truncated to {u.RawData.Length}";
                    default:
                        u.FloatData.Add(float.NaN);
                        u.Int64Data.Add(Absurd(rng));
                        return $"tensor {u.Name}: extra typed data";
                }

            case 2 when attributes.Count > 0:
                AttributeProto a = attributes[rng.Next(attributes.Count)];
                if (a.Ints.Count > 0 && rng.Next(3) > 0)
                {
                    a.Ints[rng.Next(a.Ints.Count)] = Absurd(rng);
                }
                else if (rng.Next(2) == 0)
                {
                    a.I = Absurd(rng);
                    a.Type = AttributeProto.Types.AttributeType.Int;
                }
                else
                {
                    float[] floats = [float.NaN, float.PositiveInfinity, -1e30f, 0f, -1f, 1e-30f];
                    a.F = floats[rng.Next(floats.Length)];
                    a.Type = (AttributeProto.Types.AttributeType)rng.Next(13);
                }

                return $"attribute {a.Name} mutated";
            case 3 when g.Node.Count > 0:
                NodeProto n = g.Node[rng.Next(g.Node.Count)];
                n.OpType = OpTypes[rng.Next(OpTypes.Length)];
                return $"node {n.Name}: op_type = {n.OpType}";
            case 4 when g.Node.Count > 0:
                NodeProto m = g.Node[rng.Next(g.Node.Count)];
                string[] names = [.. g.Input.Select(v => v.Name), .. g.Initializer.Select(v => v.Name), .. g.Node.SelectMany(x => x.Output), ""];
                if (m.Input.Count > 0 && rng.Next(3) > 0)
                {
                    m.Input[rng.Next(m.Input.Count)] = names[rng.Next(names.Length)];
                }
                else
                {
                    m.Input.Add(names[rng.Next(names.Length)]);
                }

                return $"node {m.Name}: rewired";
            case 5 when g.Node.Count > 1:
                int i = rng.Next(g.Node.Count), j = rng.Next(g.Node.Count);
                if (rng.Next(2) == 0)
                {
                    (g.Node[i], g.Node[j]) = (g.Node[j], g.Node[i]);
                    return $"swap nodes {i}, {j}";
                }

                g.Node.RemoveAt(i);
                return $"remove node {i}";
            case 6 when g.Input.Count > 0:
                TensorShapeProto? shape = g.Input[rng.Next(g.Input.Count)].Type?.TensorType?.Shape;
                if (shape == null || shape.Dim.Count == 0)
                {
                    return "input without shape";
                }

                var dim = shape.Dim[rng.Next(shape.Dim.Count)];
                if (rng.Next(4) == 0)
                {
                    dim.DimParam = "batch";
                }
                else
                {
                    dim.DimValue = Absurd(rng);
                }

                return $"input dim := {dim}";
            case 7:
                model.OpsetImport[0].Version = rng.Next(2) == 0 ? 9 + rng.Next(11) : Absurd(rng);
                return $"opset = {model.OpsetImport[0].Version}";
            default:
                if (g.Output.Count > 0 && g.Node.Count > 0)
                {
                    g.Output[0].Name = g.Node[rng.Next(g.Node.Count)].Output[0];
                    return $"output := {g.Output[0].Name}";
                }

                return "no-op";
        }
    }
}
