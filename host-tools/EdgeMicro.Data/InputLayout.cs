using System.Text.RegularExpressions;

namespace EdgeMicro.Data;

/// <summary>
/// Maps the CSV feature columns onto the model's input tensor. Default: C order (column k fills element k). A spec in
/// einops notation describes other mappings: the left side names how the CSV columns are grouped (row-major), the
/// right side the model input axes (batch excluded), e.g. <c>"(r c) -> c r"</c> for digits_conv1d_dev, whose input
/// [8, 8] is the transposed 8x8 image. Axis sizes come from the model input dims (and <c>name=size</c> on the left
/// when ambiguous). The result is a gather table: model element j reads CSV feature <see cref="Gather"/>[j]; it is
/// stored in the exported model so the device reads samples the same way.
/// </summary>
public sealed class InputLayout
{
    private InputLayout(string spec, int[]? gather)
    {
        Spec = spec;
        Gather = gather;
    }

    /// <summary>The spec text ("identity" by default).</summary>
    public string Spec { get; }

    /// <summary>Model element j reads feature Gather[j]; null means identity.</summary>
    public int[]? Gather { get; }

    /// <summary>The identity layout.</summary>
    public static InputLayout Identity { get; } = new("identity", null);

    /// <summary>Parses a spec against the model input dims.</summary>
    /// <param name="spec">Einops-style spec, or null/empty for identity.</param>
    /// <param name="inputDims">Model input dims without batch.</param>
    /// <param name="featureCount">Number of CSV features.</param>
    /// <returns>The layout.</returns>
    public static InputLayout Parse(string? spec, int[] inputDims, int featureCount)
    {
        int modelLength = inputDims.Aggregate(1, (a, b) => a * b);
        if (string.IsNullOrWhiteSpace(spec) || spec.Trim() == "identity")
        {
            return Identity;
        }

        string[] sides = spec.Split("->");
        if (sides.Length != 2)
        {
            throw new InputDataException($"--input-layout '{spec}': expected 'csv axes -> model axes', e.g. '(r c) -> c r'");
        }

        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] right = Tokens(sides[1], spec);
        if (right.Length != inputDims.Length)
        {
            throw new InputDataException($"--input-layout '{spec}': the model input has {inputDims.Length} axes ({string.Join("x", inputDims)}) but the right side names {right.Length}");
        }

        for (int a = 0; a < right.Length; a++)
        {
            sizes[right[a]] = inputDims[a];
        }

        string[] left = Tokens(sides[0].Replace("(", " ").Replace(")", " "), spec);
        var leftNames = new List<string>();
        foreach (string token in left)
        {
            string[] kv = token.Split('=');
            if (kv.Length == 2 && int.TryParse(kv[1], out int size) && size > 0)
            {
                if (sizes.TryGetValue(kv[0], out int modelSize) && modelSize != size)
                {
                    throw new InputDataException($"--input-layout '{spec}': {kv[0]}={size} contradicts the model input, where axis {kv[0]} has size {modelSize}");
                }

                sizes[kv[0]] = size;
            }

            leftNames.Add(kv[0]);
        }

        if (leftNames.Count != right.Length || leftNames.Except(right).Any() || leftNames.Distinct().Count() != leftNames.Count)
        {
            throw new InputDataException($"--input-layout '{spec}': both sides must name the same axes once each");
        }

        int total = leftNames.Aggregate(1, (acc, n) => acc * sizes[n]);
        if (total != featureCount || total != modelLength)
        {
            throw new InputDataException($"--input-layout '{spec}': describes {total} values, the CSV has {featureCount} features and the model input {modelLength}");
        }

        return new InputLayout(spec.Trim(), BuildGather(leftNames, right, sizes));
    }

    /// <summary>Arranges one sample (CSV order) into model-input order.</summary>
    /// <param name="features">Features in CSV order.</param>
    /// <returns>Values in model-input order.</returns>
    public double[] Arrange(double[] features) => Gather == null ? features : Gather.Select(f => features[f]).ToArray();

    private static int[] BuildGather(List<string> left, string[] right, Dictionary<string, int> sizes)
    {
        int n = right.Aggregate(1, (acc, a) => acc * sizes[a]);
        var gather = new int[n];
        var index = new Dictionary<string, int>();
        for (int j = 0; j < n; j++)
        {
            int rest = j;
            for (int a = right.Length - 1; a >= 0; a--)
            {
                index[right[a]] = rest % sizes[right[a]];
                rest /= sizes[right[a]];
            }

            int f = 0;
            foreach (string name in left)
            {
                f = (f * sizes[name]) + index[name];
            }

            gather[j] = f;
        }

        return gather;
    }

    private static string[] Tokens(string text, string spec)
    {
        string[] tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0 || tokens.Any(t => !Regex.IsMatch(t, "^[A-Za-z_][A-Za-z0-9_]*(=[0-9]+)?$")))
        {
            throw new InputDataException($"--input-layout '{spec}': axis names must be identifiers");
        }

        return tokens;
    }
}
