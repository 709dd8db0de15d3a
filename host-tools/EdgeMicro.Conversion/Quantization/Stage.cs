using EdgeMicro.Data;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Conversion.Quantization;

/// <summary>
/// One int8 layer of the device model: a Dense, Conv or pooling IR layer plus the activation fused into its clamp.
/// </summary>
/// <param name="Layer">The compute or pooling layer.</param>
/// <param name="Activation">The fused activation, if any.</param>
/// <param name="LastIrIndex">Index of the last IR layer covered (whose float output this stage reproduces).</param>
public sealed record Stage(FloatLayer Layer, ActivationLayer? Activation, int LastIrIndex)
{
    /// <summary>Groups IR layers into stages.</summary>
    /// <param name="model">The float model.</param>
    /// <returns>The stages in order.</returns>
    public static IReadOnlyList<Stage> Split(FloatModel model)
    {
        var stages = new List<Stage>();
        for (int i = 0; i < model.Layers.Count; i++)
        {
            FloatLayer layer = model.Layers[i];
            if (layer is ActivationLayer a)
            {
                throw new InputDataException($"activation '{a.Name}' ({a.Kind}) must directly follow a Dense, Conv or pooling layer to be fused into its clamp");
            }

            ActivationLayer? act = i + 1 < model.Layers.Count ? model.Layers[i + 1] as ActivationLayer : null;
            if (act is { Kind: ActivationKind.LeakyRelu } && layer is PoolLayer)
            {
                throw new InputDataException($"LeakyRelu '{act.Name}' after pooling is not supported (only ReLU/Clip can be fused into a pool)");
            }

            stages.Add(new Stage(layer, act, act == null ? i : i + 1));
            if (act != null)
            {
                i++;
            }
        }

        return stages;
    }
}
