using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Data;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Conversion.Quantization;

/// <summary>Builds one integer layer from a stage and the quantization of its input and output.</summary>
public static class LayerQuantizer
{
    /// <summary>Quantizes a stage.</summary>
    /// <param name="stage">The stage.</param>
    /// <param name="input">Quantization of each input element.</param>
    /// <param name="output">Output quantization (ignored for pools, which keep the input's).</param>
    /// <param name="inMin">Lowest input value (producer clamp).</param>
    /// <param name="inMax">Highest input value.</param>
    /// <returns>The layer.</returns>
    public static LayerDefinition Build(Stage stage, AffineQuantization[] input, AffineQuantization output, int inMin, int inMax)
        => Build(stage, input, output, inMin, inMax, quantizeWeights: true);

    /// <summary>
    /// A layer with the shapes and array sizes of <see cref="Build(Stage, AffineQuantization[], AffineQuantization, int, int)"/>
    /// but placeholder values (zero weights, every bias <paramref name="biasSteps"/>, every shift <paramref name="shift"/>):
    /// what the core's memory figures need before calibration chooses the real values.
    /// </summary>
    /// <param name="stage">The stage.</param>
    /// <param name="inMin">Lowest input value (the previous placeholder's clamp).</param>
    /// <param name="inMax">Highest input value.</param>
    /// <param name="biasSteps">Value of every bias.</param>
    /// <param name="shift">Value of every requantization shift (1..62).</param>
    /// <param name="wideInput">The input is 16-bit.</param>
    /// <param name="wideOutput">The output is 16-bit (pools keep their input's width).</param>
    /// <returns>The placeholder layer.</returns>
    public static LayerDefinition Placeholder(Stage stage, int inMin, int inMax, int biasSteps, int shift, bool wideInput = false, bool wideOutput = false)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var unitIn = new AffineQuantization(1, 0, wideInput);
        var unitOut = new AffineQuantization(1, 0, wideOutput);
        LayerDefinition def = Build(stage, Enumerable.Repeat(unitIn, stage.Layer.InputShape.Length).ToArray(), unitOut, inMin, inMax, quantizeWeights: false);
        if (def.Kind is LayerKind.Dense or LayerKind.Conv)
        {
            int rows = def.OutChannels;
            def.Weights = new sbyte[rows * def.WeightsPerOutput];
            def.Bias = Enumerable.Repeat(biasSteps, rows).ToArray();
            def.Multiplier = Enumerable.Repeat(1 << 30, rows).ToArray();
            def.Shift = Enumerable.Repeat(shift, rows).ToArray();
            if (stage.Activation is { Kind: ActivationKind.LeakyRelu })
            {
                def.NegativeMultiplier = (int[])def.Multiplier.Clone();
                def.NegativeShift = (int[])def.Shift.Clone();
            }
        }

        return def;
    }

    private static LayerDefinition Build(Stage stage, AffineQuantization[] input, AffineQuantization output, int inMin, int inMax, bool quantizeWeights)
    {
        FeatureShape i = stage.Layer.InputShape, o = stage.Layer.OutputShape;
        var def = new LayerDefinition
        {
            InChannels = i.Channels, InHeight = i.Height, InWidth = i.Width,
            OutChannels = o.Channels, OutHeight = o.Height, OutWidth = o.Width,
            InputMin = inMin, InputMax = inMax, OutputZeroPoint = output.ZeroPoint,
        };
        (def.ActivationMin, def.ActivationMax) = Clamp(stage.Activation, output);
        switch (stage.Layer)
        {
            case DenseLayer d:
                def.Kind = LayerKind.Dense;
                (def.InChannels, def.InHeight, def.InWidth) = (d.In, 1, 1);
                def.InputZeroPoints = input.Select(q => q.ZeroPoint).ToArray();
                if (quantizeWeights)
                {
                    QuantizeWeights(def, d.Weights, d.Bias, d.Out, d.In, k => input[k].Scale, output, stage.Activation, stage.Layer.Name, input[0].Wide);
                    CheckAccumulators(stage, def, d.Bias);
                }

                break;
            case ConvLayer c:
                def.Kind = LayerKind.Conv;
                (def.KernelHeight, def.KernelWidth, def.StrideHeight, def.StrideWidth) = (c.KernelH, c.KernelW, c.StrideH, c.StrideW);
                (def.PadTop, def.PadLeft, def.PadBottom, def.PadRight) = (c.PadTop, c.PadLeft, c.PadBottom, c.PadRight);
                (def.DilationHeight, def.DilationWidth, def.Groups) = (c.DilationH, c.DilationW, c.Group);
                int plane = i.Height * i.Width, perOut = i.Channels / c.Group * c.KernelH * c.KernelW, area = c.KernelH * c.KernelW;
                def.InputZeroPoints = Enumerable.Range(0, i.Channels).Select(ch => input[ch * plane].ZeroPoint).ToArray();
                int coutPerGroup = o.Channels / c.Group, cinPerGroup = i.Channels / c.Group;
                if (quantizeWeights)
                {
                    QuantizeWeights(def, c.Weights, c.Bias, o.Channels, perOut, (row, k) => input[(((row / coutPerGroup * cinPerGroup) + (k / area)) * plane)].Scale, output, stage.Activation, stage.Layer.Name, input[0].Wide);
                    CheckAccumulators(stage, def, c.Bias);
                }

                break;
            case PoolLayer p:
                def.Kind = p.Kind == PoolKind.Max ? LayerKind.MaxPool : LayerKind.AveragePool;
                (def.KernelHeight, def.KernelWidth, def.StrideHeight, def.StrideWidth) = (p.KernelH, p.KernelW, p.StrideH, p.StrideW);
                (def.PadTop, def.PadLeft, def.PadBottom, def.PadRight) = (p.PadTop, p.PadLeft, p.PadBottom, p.PadRight);
                (def.DilationHeight, def.DilationWidth, def.Groups) = (1, 1, 1);
                def.CountIncludePad = p.CountIncludePad ? 1 : 0;
                def.InputZeroPoints = Enumerable.Repeat(input[0].ZeroPoint, i.Channels).ToArray();
                def.OutputZeroPoint = input[0].ZeroPoint;
                (int lo, int hi) = Clamp(stage.Activation, input[0]);
                (def.ActivationMin, def.ActivationMax) = (Math.Max(lo, inMin), Math.Min(hi, inMax));
                break;
            default:
                throw new InputDataException($"layer '{stage.Layer.Name}' cannot be quantized");
        }

        return def;
    }

    private static void QuantizeWeights(LayerDefinition def, float[] weights, float[] bias, int rows, int perRow, Func<int, double> inputScale, AffineQuantization output, ActivationLayer? act, string name, bool wideInput)
        => QuantizeWeights(def, weights, bias, rows, perRow, (_, k) => inputScale(k), output, act, name, wideInput);

    /// <summary>
    /// Every accumulator of the core's kernels (bias + sum of weight x input over the producer's clamp, zero points
    /// folded, <see cref="SwarPacker.AccumulatorRange"/>) must fit int32; a bias far larger than what its weights
    /// contribute cannot be represented at the weights' scale.
    /// </summary>
    private static void CheckAccumulators(Stage stage, LayerDefinition def, float[] bias)
    {
        int perRow = def.WeightsPerOutput;
        for (int r = 0; r < def.OutChannels; r++)
        {
            SwarPacker.AccumulatorRange(def, r, perRow, out long low, out long high);
            if (low < int.MinValue || high > int.MaxValue)
            {
                long worst = high > int.MaxValue ? high : low;
                string why = def.InputMax > 127 || def.InputMin < -128
                    ? "its 16-bit inputs times its int8 weights overflow int32; convert with --activations int8"
                    : $"bias {bias[r]:G6} is too large for the scale of the channel's weights; int8 weights and an int32 accumulator cannot represent it";
                throw new InputDataException($"layer '{stage.Layer.Name}': the int32 accumulator of output channel {r} can reach {worst} ({why})");
            }
        }
    }

    private static void QuantizeWeights(LayerDefinition def, float[] weights, float[] bias, int rows, int perRow, Func<int, int, double> inputScale, AffineQuantization output, ActivationLayer? act, string name, bool wideInput)
    {
        def.Weights = new sbyte[rows * perRow];
        def.Bias = new int[rows];
        def.Multiplier = new int[rows];
        def.Shift = new int[rows];
        bool leaky = act is { Kind: ActivationKind.LeakyRelu };
        if (leaky)
        {
            def.NegativeMultiplier = new int[rows];
            def.NegativeShift = new int[rows];
        }

        var folded = new double[perRow];
        void Row(int r, int largestCode)
        {
            for (int k = 0; k < perRow; k++)
            {
                folded[k] = weights[(r * perRow) + k] * inputScale(r, k);
            }

            QuantizeRow(def, r, folded, bias[r], largestCode, output, leaky ? act!.Alpha : null, name);
        }

        for (int r = 0; r < rows; r++)
        {
            Row(r, 127);
        }

        if (!wideInput && !output.Wide)
        {
            // 16-bit activations are never SWAR-packed (WideKernels): no lane to fit.
            ThreeLaneFit.Apply(def, Row);
        }
    }

    /// <summary>Quantizes one row at the scale that maps its largest weight to <paramref name="largestCode"/>: weights,
    /// bias (in steps of that scale) and requantization multipliers.</summary>
    private static void QuantizeRow(LayerDefinition def, int r, double[] folded, double bias, int largestCode, AffineQuantization output, double? leakyAlpha, string name)
    {
        int perRow = folded.Length;
        double maxAbs = folded.Max(Math.Abs);
        double scale = maxAbs > 0 ? maxAbs / largestCode : 1.0;
        for (int k = 0; k < perRow; k++)
        {
            def.Weights[(r * perRow) + k] = (sbyte)FixedPointMath.RoundClamp(folded[k] / scale, -127, 127);
        }

        double steps = bias / scale;
        if (!(Math.Abs(steps) < int.MaxValue))
        {
            throw new InputDataException($"layer '{name}': the bias of output channel {r} ({bias:G6}) is {steps:G3} steps of the channel's weight scale {scale:G3}; an int32 accumulator cannot represent it");
        }

        def.Bias[r] = FixedPointMath.RoundClamp(steps, int.MinValue + 1, int.MaxValue);
        try
        {
            FixedPointMath.LayerMultiplier(scale / output.Scale, out int m, out int s);
            (def.Multiplier[r], def.Shift[r]) = (m, s);
            if (leakyAlpha is double alpha)
            {
                FixedPointMath.LayerMultiplier(scale * alpha / output.Scale, out int nm, out int ns);
                (def.NegativeMultiplier![r], def.NegativeShift![r]) = (nm, ns);
            }
        }
        catch (InputDataException e)
        {
            throw new InputDataException($"layer '{name}': output channel {r}: requantization (weight scale {scale:G4} / output scale {output.Scale:G4}): {e.Message}", e);
        }
    }

    private static (int Min, int Max) Clamp(ActivationLayer? act, AffineQuantization q)
    {
        if (act == null || act.Kind == ActivationKind.LeakyRelu)
        {
            return (q.Lowest, q.Highest);
        }

        double lo = act.Kind == ActivationKind.Relu ? 0 : act.Min;
        double hi = act.Kind == ActivationKind.Relu ? double.PositiveInfinity : act.Max;
        int min = double.IsNegativeInfinity(lo) ? q.Lowest : Math.Max(q.Lowest, q.Quantize(lo));
        int max = double.IsPositiveInfinity(hi) ? q.Highest : Math.Min(q.Highest, q.Quantize(hi));
        return (min, Math.Max(min, max));
    }
}
