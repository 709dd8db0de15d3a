using System.Globalization;
using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Conversion.Tests.Fuzz;

/// <summary>Seeded mutations of an imported graph's constant values and node attributes, and of normalization JSON.</summary>
public static class GraphMutator
{
    private static readonly float[] Specials =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.MaxValue, 1e30f, -1e30f,
        1e-45f, -1e-45f, 1e-39f, 0f, 1e10f, -1e10f, 3e9f,
    ];

    private static readonly double[] Scales = [1e-38, 1e-30, 1e-12, -1, 1e6, 1e12, 1e20, 1e30, 1e38];

    private static readonly string[] AttributeNames =
    [
        "min", "max", "alpha", "beta", "axis", "epsilon", "group", "pads", "strides", "kernel_shape", "transA", "transB",
        "spatial", "consumed_inputs", "allowzero", "mode", "value", "ceil_mode", "count_include_pad", "auto_pad", "fuzz",
    ];

    private static readonly string[] Strings = ["", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", "reflect", "edge", "constant", "bogus"];

    private static readonly string[] NormalizationValues =
    [
        "1e300", "-1e300", "1e400", "1e-320", "0", "-1", "1e30", "1e12", "-3e9", "1e-30", "NaN", "\"x\"", "null", "5e-324", "1e15",
    ];

    /// <summary>Replaces values of one float constant: a few elements by special values, a sign flip or a scale.</summary>
    /// <param name="g">Graph.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="what">Receives a description.</param>
    /// <returns>The mutated graph (the original is not changed).</returns>
    public static OnnxGraph MutateValues(OnnxGraph g, Random rng, out string what)
    {
        OnnxTensor[] floats = g.Constants.Values.Where(t => t.DataType == OnnxDataType.Float && t.ElementCount > 0).ToArray();
        OnnxTensor t = floats[rng.Next(floats.Length)];
        float[] data = (float[])t.FloatData.Clone();
        switch (rng.Next(4))
        {
            case 0:
            case 1:
                int count = 1 + rng.Next(3);
                float v = Specials[rng.Next(Specials.Length)];
                for (int k = 0; k < count; k++)
                {
                    data[rng.Next(data.Length)] = v;
                }

                what = $"{t.Name}: {count} element(s) = {v.ToString(CultureInfo.InvariantCulture)}";
                break;
            case 2:
                double scale = Scales[rng.Next(Scales.Length)];
                for (int k = 0; k < data.Length; k++)
                {
                    data[k] = (float)(data[k] * scale);
                }

                what = $"{t.Name}: scaled by {scale}";
                break;
            default:
                float fill = Specials[rng.Next(Specials.Length)];
                Array.Fill(data, fill);
                what = $"{t.Name}: all = {fill.ToString(CultureInfo.InvariantCulture)}";
                break;
        }

        var replaced = new OnnxTensor(t.Name, t.Dims, data);
        return With(g, g.Nodes, Replace(g.Constants, replaced), Replace(g.Initializers, replaced));
    }

    /// <summary>Adds an attribute the op may not know, changes an attribute's type, or gives it an out-of-range value.</summary>
    /// <param name="g">Graph.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="what">Receives a description.</param>
    /// <returns>The mutated graph.</returns>
    public static OnnxGraph MutateAttributes(OnnxGraph g, Random rng, out string what)
    {
        OnnxNode[] candidates = g.Nodes.Where(n => n.OpType != "Constant").ToArray();
        OnnxNode node = candidates[rng.Next(candidates.Length)];
        var attributes = new Dictionary<string, OnnxAttribute>(node.Attributes, StringComparer.Ordinal);
        OnnxAttribute a;
        if (attributes.Count == 0 || rng.Next(3) == 0)
        {
            a = RandomValue(AttributeNames[rng.Next(AttributeNames.Length)], (OnnxAttributeType)(1 + rng.Next(7)), rng);
        }
        else
        {
            OnnxAttribute old = attributes.Values.ElementAt(rng.Next(attributes.Count));
            OnnxAttributeType type = rng.Next(3) == 0 ? (OnnxAttributeType)(1 + rng.Next(7)) : old.Type;
            a = RandomValue(old.Name, type == OnnxAttributeType.Tensor ? OnnxAttributeType.Floats : type, rng);
        }

        attributes[a.Name] = a;
        what = $"node {node.DisplayName} ({node.OpType}): {a.Type} {a}";
        var mutated = new OnnxNode
        {
            Index = node.Index, Name = node.Name, OpType = node.OpType, Domain = node.Domain,
            Inputs = node.Inputs, Outputs = node.Outputs, Attributes = attributes,
        };
        return With(g, g.Nodes.Select(n => n == node ? mutated : n).ToArray(), g.Constants, g.Initializers);
    }

    /// <summary>Normalization JSON with one or two mean/std values replaced by extreme or invalid ones.</summary>
    /// <param name="mean">Original means.</param>
    /// <param name="std">Original standard deviations.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="what">Receives a description.</param>
    /// <returns>The JSON text.</returns>
    public static string MutateNormalization(double[] mean, double[] std, Random rng, out string what)
    {
        string[] m = mean.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
        string[] s = std.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
        var changes = new List<string>();
        for (int c = 1 + rng.Next(2); c > 0; c--)
        {
            string[] target = rng.Next(2) == 0 ? m : s;
            int j = rng.Next(target.Length);
            target[j] = NormalizationValues[rng.Next(NormalizationValues.Length)];
            changes.Add($"{(target == m ? "mean" : "std")}[{j}] = {target[j]}");
        }

        what = string.Join(", ", changes);
        return $"{{\"mean\": [{string.Join(", ", m)}], \"std\": [{string.Join(", ", s)}]}}";
    }

    private static OnnxAttribute RandomValue(string name, OnnxAttributeType type, Random rng)
    {
        long[] ints = [-1, 0, 1, 2, 3, 1L << 40, long.MinValue, long.MaxValue, int.MinValue];
        float[] floats = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1, 0, 0.5f, 1, 1e30f, 1e-45f];
        return type switch
        {
            OnnxAttributeType.Int => new OnnxAttribute { Name = name, Type = type, Int = ints[rng.Next(ints.Length)] },
            OnnxAttributeType.Float => new OnnxAttribute { Name = name, Type = type, Float = floats[rng.Next(floats.Length)] },
            OnnxAttributeType.String => new OnnxAttribute { Name = name, Type = type, String = Strings[rng.Next(Strings.Length)] },
            OnnxAttributeType.Floats => new OnnxAttribute { Name = name, Type = type, Floats = [.. Enumerable.Range(0, rng.Next(4)).Select(_ => floats[rng.Next(floats.Length)])] },
            OnnxAttributeType.Strings => new OnnxAttribute { Name = name, Type = type, Strings = [Strings[rng.Next(Strings.Length)]] },
            _ => new OnnxAttribute { Name = name, Type = OnnxAttributeType.Ints, Ints = [.. Enumerable.Range(0, rng.Next(7)).Select(_ => ints[rng.Next(ints.Length)])] },
        };
    }

    private static Dictionary<string, OnnxTensor> Replace(IReadOnlyDictionary<string, OnnxTensor> tensors, OnnxTensor t)
    {
        var copy = new Dictionary<string, OnnxTensor>(tensors, StringComparer.Ordinal);
        if (copy.ContainsKey(t.Name))
        {
            copy[t.Name] = t;
        }

        return copy;
    }

    private static OnnxGraph With(OnnxGraph g, IReadOnlyList<OnnxNode> nodes, IReadOnlyDictionary<string, OnnxTensor> constants, IReadOnlyDictionary<string, OnnxTensor> initializers) => new()
    {
        Name = g.Name, IrVersion = g.IrVersion, Producer = g.Producer, OpsetVersion = g.OpsetVersion,
        Nodes = nodes, Initializers = initializers, Constants = constants, Inputs = g.Inputs, Outputs = g.Outputs,
    };
}
