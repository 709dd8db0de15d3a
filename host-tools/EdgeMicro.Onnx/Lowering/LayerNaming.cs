using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Onnx.Lowering;

/// <summary>Re-creates a layer under the combined name of every node folded into it.</summary>
internal static class LayerNaming
{
    /// <summary>Copy of <paramref name="layer"/> named <paramref name="name"/> (arrays are shared).</summary>
    /// <param name="layer">Layer.</param>
    /// <param name="name">New name.</param>
    /// <returns>The renamed layer (the same instance when the name is unchanged).</returns>
    public static FloatLayer WithName(FloatLayer layer, string name) => layer.Name == name ? layer : layer switch
    {
        DenseLayer d => new DenseLayer
        {
            Name = name, InputShape = d.InputShape, OutputShape = d.OutputShape, Weights = d.Weights, Bias = d.Bias,
        },
        ConvLayer c => new ConvLayer
        {
            Name = name,
            InputShape = c.InputShape,
            OutputShape = c.OutputShape,
            Weights = c.Weights,
            Bias = c.Bias,
            KernelH = c.KernelH,
            KernelW = c.KernelW,
            StrideH = c.StrideH,
            StrideW = c.StrideW,
            PadTop = c.PadTop,
            PadLeft = c.PadLeft,
            PadBottom = c.PadBottom,
            PadRight = c.PadRight,
            DilationH = c.DilationH,
            DilationW = c.DilationW,
            Group = c.Group,
        },
        PoolLayer p => new PoolLayer
        {
            Name = name,
            InputShape = p.InputShape,
            OutputShape = p.OutputShape,
            Kind = p.Kind,
            KernelH = p.KernelH,
            KernelW = p.KernelW,
            StrideH = p.StrideH,
            StrideW = p.StrideW,
            PadTop = p.PadTop,
            PadLeft = p.PadLeft,
            PadBottom = p.PadBottom,
            PadRight = p.PadRight,
            CountIncludePad = p.CountIncludePad,
        },
        ActivationLayer a => new ActivationLayer
        {
            Name = name, InputShape = a.InputShape, OutputShape = a.OutputShape, Kind = a.Kind, Min = a.Min, Max = a.Max, Alpha = a.Alpha,
        },
        _ => layer,
    };
}
