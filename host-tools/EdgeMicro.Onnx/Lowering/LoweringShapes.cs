using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Onnx.Lowering;

/// <summary>Maps ONNX shapes (batch first) to CHW feature shapes.</summary>
internal static class LoweringShapes
{
    /// <summary>[1, n] is n×1×1, [1, C, W] is C×1×W, [1, C, H, W] is C×H×W.</summary>
    /// <param name="shape">ONNX shape with batch 1.</param>
    /// <returns>The feature shape.</returns>
    public static FeatureShape Feature(int[] shape) => shape.Length switch
    {
        2 => new FeatureShape(shape[1], 1, 1),
        3 => new FeatureShape(shape[1], 1, shape[2]),
        4 => new FeatureShape(shape[1], shape[2], shape[3]),
        _ => throw new OnnxImportException($"tensors of rank {shape.Length} ([{Text(shape)}]) are not supported (ranks 2-4 with batch 1)."),
    };

    /// <summary>Formats dims.</summary>
    /// <param name="dims">Dimensions.</param>
    /// <returns>"a, b, c".</returns>
    public static string Text(IEnumerable<int> dims) => string.Join(", ", dims);

    /// <summary>
    /// Per-channel values of a constant that broadcasts against <paramref name="shape"/> along axis 1 only
    /// (scalar, [C], [1, C], [C, 1, 1], [1, C, 1, 1]...), or null if it varies along another axis or enlarges the shape.
    /// </summary>
    /// <param name="c">The constant.</param>
    /// <param name="shape">Shape it is added to.</param>
    /// <returns>One value per channel (shape[1]), or null.</returns>
    public static double[]? PerChannel(OnnxTensor c, int[] shape)
    {
        int r = shape.Length;
        if (c.Rank > r || r < 2)
        {
            return null;
        }

        bool varies = false;
        for (int j = 0; j < r; j++)
        {
            int k = j - (r - c.Rank);
            int d = k >= 0 ? c.Dims[k] : 1;
            if (j == 1 && d == shape[1])
            {
                varies = d != 1;
            }
            else if (d != 1)
            {
                return null;
            }
        }

        var values = new double[shape[1]];
        for (int ch = 0; ch < values.Length; ch++)
        {
            values[ch] = c.GetFloat(varies ? ch : 0);
        }

        return values;
    }
}
