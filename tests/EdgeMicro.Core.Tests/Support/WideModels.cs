using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Tests.Support;

/// <summary>
/// Turns a random int8 model into one with 16-bit activations the way the quantizer lays them out: every layer
/// followed by some Dense or Conv layer outputs int16 (symmetric: zero point 0; clamp [0, 32767] where the int8 clamp
/// started at the zero point, as after a ReLU, else [-32767, 32767]; requantization shifts lowered by 4, so outputs
/// reach 16 times the int8 range), its successors read zero points 0 and its clamp, pools keep their input's width,
/// and the last layers stay int8.
/// </summary>
public static class WideModels
{
    /// <summary>The widened copy (arrays that change are new; the rest is shared with <paramref name="m"/>).</summary>
    /// <param name="m">A valid int8 model with at least two layers.</param>
    /// <returns>The model with 16-bit activations.</returns>
    public static ModelDefinition Widen(ModelDefinition m)
    {
        ModelDefinition w = m.ShallowCopy();
        w.Layers = [.. m.Layers.Select(l => l.ShallowCopy())];
        int n = w.Layers.Length;
        for (int i = 0; i < n; i++)
        {
            LayerDefinition l = w.Layers[i];
            bool weighted = l.Kind is LayerKind.Dense or LayerKind.Conv;
            LayerDefinition? previous = i == 0 ? null : w.Layers[i - 1];
            if (previous is { WideOutput: true })
            {
                l.InputZeroPoints = new int[l.InputZeroPoints.Length];
                (l.InputMin, l.InputMax) = (previous.ActivationMin, previous.ActivationMax);
            }

            bool wide = weighted
                ? w.Layers.Skip(i + 1).Any(t => t.Kind is LayerKind.Dense or LayerKind.Conv)
                : previous is { WideOutput: true };
            if (!wide)
            {
                continue;
            }

            if (weighted)
            {
                bool fromZero = l.ActivationMin == l.OutputZeroPoint;
                l.OutputZeroPoint = 0;
                (l.ActivationMin, l.ActivationMax) = fromZero ? (0, 32767) : (-32767, 32767);
                l.Shift = [.. l.Shift.Select(s => s > 4 ? s - 4 : s)];
                l.NegativeShift = l.NegativeShift?.Select(s => s > 4 ? s - 4 : s).ToArray();
            }
            else
            {
                l.OutputZeroPoint = 0;
                (l.ActivationMin, l.ActivationMax) = (previous!.ActivationMin, previous.ActivationMax);
            }
        }

        return w;
    }
}
