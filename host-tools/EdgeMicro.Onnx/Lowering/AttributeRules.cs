using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Onnx.Lowering;

/// <summary>
/// The attributes the lowering implements, per supported op (opsets 11-17, <see cref="GraphReader"/>), with their ONNX
/// type and accepted values.
/// Anything else is a problem reported up front (listed with the unsupported nodes), never silently ignored: an
/// ignored attribute changes what the model computes (a Clip with opset-6 min/max attributes under opset 13 would
/// convert to a layer that never clips: since opset 11 the bounds are inputs).
/// </summary>
internal static class AttributeRules
{
    private static readonly Rule Flag = new(OnnxAttributeType.Int, a => a.Int is 0 or 1 ? null : "must be 0 or 1");
    private static readonly Rule AnyInt = new(OnnxAttributeType.Int, null);
    private static readonly Rule Ints = new(OnnxAttributeType.Ints, null);
    private static readonly Rule Text = new(OnnxAttributeType.String, null);
    private static readonly Rule FiniteFloat = new(OnnxAttributeType.Float, a => float.IsFinite(a.Float) ? null : "must be finite");
    private static readonly Rule AnyFloat = new(OnnxAttributeType.Float, null);
    private static readonly Rule Epsilon = new(OnnxAttributeType.Float, a => float.IsFinite(a.Float) && a.Float >= 0 ? null : "must be finite and >= 0");

    /// <summary>Checks every attribute of a node of a supported op.</summary>
    /// <param name="node">The node.</param>
    /// <param name="opset">The default-domain opset of the graph.</param>
    /// <returns>One message per attribute the lowering does not implement or does not accept (empty when fine).</returns>
    public static IEnumerable<string> Problems(OnnxNode node, int opset)
    {
        IReadOnlyDictionary<string, Rule> known = For(node.OpType, opset);
        foreach (OnnxAttribute a in node.Attributes.Values.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            if (!known.TryGetValue(a.Name, out Rule? rule))
            {
                yield return $"attribute '{a.Name}' is not implemented for {node.OpType} at opset {opset} (it would be ignored).";
            }
            else if (a.Type != rule.Type)
            {
                yield return $"attribute '{a.Name}' is {a.Type}, {node.OpType} expects {rule.Type}.";
            }
            else if (rule.Check?.Invoke(a) is { } why)
            {
                yield return $"attribute {a} {why}.";
            }
        }
    }

    private static Dictionary<string, Rule> For(string op, int opset) => op switch
    {
        "Gemm" => new() { ["alpha"] = FiniteFloat, ["beta"] = FiniteFloat, ["transA"] = Flag, ["transB"] = Flag },
        "Conv" => WindowRules(("group", AnyInt)),
        "MaxPool" => WindowRules(("ceil_mode", Flag), ("storage_order", Flag)),
        "AveragePool" => WindowRules(("ceil_mode", Flag), ("count_include_pad", Flag)),
        "BatchNormalization" => new() { ["epsilon"] = Epsilon, ["momentum"] = AnyFloat, ["training_mode"] = Flag },
        "Pad" => new() { ["mode"] = Text },
        "Reshape" => opset >= 14 ? new() { ["allowzero"] = Flag } : [],
        "Dropout" => opset < 12 ? new() { ["ratio"] = AnyFloat, ["seed"] = AnyInt } : new() { ["seed"] = AnyInt },
        "LeakyRelu" => new() { ["alpha"] = FiniteFloat },
        "Flatten" or "Softmax" => new() { ["axis"] = AnyInt },
        _ => [],
    };

    private static Dictionary<string, Rule> WindowRules(params (string Name, Rule Rule)[] extra)
    {
        var rules = new Dictionary<string, Rule>(StringComparer.Ordinal)
        {
            ["auto_pad"] = Text, ["kernel_shape"] = Ints, ["pads"] = Ints, ["strides"] = Ints, ["dilations"] = Ints,
        };
        foreach ((string name, Rule rule) in extra)
        {
            rules[name] = rule;
        }

        return rules;
    }

    private sealed record Rule(OnnxAttributeType Type, Func<OnnxAttribute, string?>? Check);
}
