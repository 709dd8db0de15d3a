using EdgeMicro.Core.Model;
using EdgeMicro.Data;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Conversion.Quantization;

/// <summary>
/// Post-training quantization of a float IR model into the firmware core's integer model.
/// <list type="bullet">
/// <item>Weights int8 symmetric per output channel (scale = max|w| / 127, round half to even), bias int32 at the
/// accumulator scale.</item>
/// <item>Activations int8 asymmetric, ranges from the calibration set (<see cref="RangeCalibrator"/>: min/max,
/// percentile or MSE-optimal per tensor; min/max for the model input and the output logits).</item>
/// <item>Model input: one scale and zero point PER FEATURE when the first layer is Dense (per channel when it is a
/// Conv), folded into the first layer's weights (W'[o,i] = W[o,i] * s_i) so raw sensor features whose ranges differ
/// by orders of magnitude each keep 8 bits. Normalization (mean/std) is folded into the integer input quantizer.</item>
/// <item>Requantization M / 2^S per output channel (<see cref="FixedPointMath"/>); ReLU/ReLU6/Clip fused into the
/// clamp; LeakyRelu as a second multiplier for negative accumulators.</item>
/// </list>
/// </summary>
public static class ModelQuantizer
{
    /// <summary>Quantizes a model.</summary>
    /// <param name="request">Model, preprocessing and calibration data.</param>
    /// <returns>The quantized model.</returns>
    public static QuantizedModel Quantize(QuantizationRequest request)
    {
        FloatModel model = request.Model;
        if (request.Calibration.Count == 0)
        {
            throw new InputDataException("calibration set is empty: at least one sample is needed to choose activation ranges");
        }

        IReadOnlyList<Stage> stages = Stage.Split(model);
        var runner = new FloatModelRunner(model);
        float[][] inputs = request.Calibration.Select(r => FloatInput.Prepare(r, request.Normalization, request.Layout)).ToArray();
        int badInput = Array.FindIndex(inputs, x => x.Any(v => !float.IsFinite(v)));
        if (badInput >= 0)
        {
            int j = Array.FindIndex(inputs[badInput], v => !float.IsFinite(v));
            throw new InputDataException($"model input element {j} of calibration sample {badInput + 1} is {inputs[badInput][j]} after normalization (mean/std out of float32 range)");
        }

        var outputs = inputs.Select(runner.RunAll).ToArray();

        int[] group = InputGroups(model, stages[0]);
        int groupCount = group.Max() + 1;
        var groupQuant = new AffineQuantization[groupCount];
        for (int g = 0; g < groupCount; g++)
        {
            var values = new List<double>();
            for (int j = 0; j < group.Length; j++)
            {
                if (group[j] == g)
                {
                    values.AddRange(inputs.Select(x => (double)x[j]));
                }
            }

            CalibratedRange r = RangeCalibrator.Choose(values, allowClipping: false);
            groupQuant[g] = AffineQuantization.FromRange(r.Low, r.High);
        }

        var inputQuant = group.Select(g => groupQuant[g]).ToArray();
        var layers = new List<LayerDefinition>();
        var outQuants = new List<AffineQuantization>();
        var methods = new List<RangeMethod>();
        AffineQuantization[] current = inputQuant;
        int inMin = -128, inMax = 127;
        bool[] wide = request.WideOutputs(stages);
        for (int s = 0; s < stages.Count; s++)
        {
            Stage stage = stages[s];
            AffineQuantization outQ;
            RangeMethod method;
            if (stage.Layer is PoolLayer)
            {
                if (current.Distinct().Count() != 1)
                {
                    throw new InputDataException($"pooling '{stage.Layer.Name}' on an input with per-feature scales is not supported");
                }

                outQ = current[0];
                method = RangeMethod.MinMax;
            }
            else
            {
                bool isLast = s == stages.Count - 1;
                var values = outputs.SelectMany(o => o[stage.LastIrIndex]).Select(v => (double)v).ToList();
                if (values.FindIndex(v => !double.IsFinite(v)) is int bad and >= 0)
                {
                    throw new InputDataException($"layer '{stage.Layer.Name}': the float model computes a non-finite value ({values[bad]}) on the calibration data (its weights overflow float32)");
                }

                // 16-bit outputs take the whole calibrated range (min/max: 256 times finer steps leave nothing to gain
                // from clipping outliers).
                CalibratedRange range = RangeCalibrator.Choose(values, allowClipping: !isLast && !wide[s]);
                outQ = wide[s] ? AffineQuantization.FromWideRange(range.Low, range.High) : AffineQuantization.FromRange(range.Low, range.High);
                method = range.Method;
            }

            LayerDefinition def = LayerQuantizer.Build(stage, current, outQ, inMin, inMax);
            layers.Add(def);
            outQuants.Add(outQ);
            methods.Add(method);
            current = Enumerable.Repeat(outQ, stage.Layer.OutputShape.Length).ToArray();
            inMin = def.ActivationMin;
            inMax = def.ActivationMax;
        }

        ModelDefinition definition = Assemble(request, layers, inputQuant, outQuants[^1]);
        ModelValidator.Validate(definition);
        return new QuantizedModel(definition, model, stages, outQuants, methods, groupCount);
    }

    /// <summary>Scale group of each model-input element: per element before Dense, per channel before Conv, else one.</summary>
    private static int[] InputGroups(FloatModel model, Stage first)
    {
        int n = model.InputLength;
        int plane = first.Layer.InputShape.Height * first.Layer.InputShape.Width;
        return first.Layer switch
        {
            DenseLayer => Enumerable.Range(0, n).ToArray(),
            ConvLayer => Enumerable.Range(0, n).Select(j => j / plane).ToArray(),
            _ => new int[n],
        };
    }

    /// <summary>Builds the model definition around quantized layers and the input quantization.</summary>
    /// <param name="request">The request.</param>
    /// <param name="layers">The layers.</param>
    /// <param name="inputQuant">Quantization of each model-input element.</param>
    /// <param name="output">Quantization of the last layer's output.</param>
    /// <returns>The definition (not validated).</returns>
    internal static ModelDefinition Assemble(QuantizationRequest request, List<LayerDefinition> layers, AffineQuantization[] inputQuant, AffineQuantization output)
    {
        FloatModel model = request.Model;
        int n = model.InputLength;
        int featureCount = request.Layout.Gather?.Length ?? n;
        var definition = new ModelDefinition
        {
            ModelId = request.ModelId,
            ModelVersion = request.ModelVersion,
            ClassNames = request.ClassNames,
            FeatureCount = featureCount,
            InputFractionBits = request.FractionBits,
            InputGather = request.Layout.Gather?.Select(g => (short)g).ToArray(),
            InputOffset = new int[n],
            InputMultiplier = new int[n],
            InputShift = new int[n],
            InputZeroPoint = new int[n],
            Layers = layers.ToArray(),
            ClassCount = request.ClassNames.Length,
            OutputKind = model.Output == OutputActivation.Sigmoid ? OutputKind.Sigmoid : OutputKind.Softmax,
            OutputTable = OutputTable(model.Output, output),
        };

        double unit = Math.Pow(2, request.FractionBits);
        for (int j = 0; j < n; j++)
        {
            int f = request.Layout.Gather?[j] ?? j;
            double mean = request.Normalization.Mean[f], std = request.Normalization.Std[f];
            double offset = Math.Round(mean * unit, MidpointRounding.AwayFromZero);
            if (!(Math.Abs(offset) < int.MaxValue))
            {
                throw new InputDataException($"normalization mean of feature {f} ({mean:G6}) does not fit the device's int32 Q{request.FractionBits} raw input");
            }

            definition.InputOffset[j] = (int)offset;
            int a, sh;
            try
            {
                FixedPointMath.InputMultiplier(1.0 / (std * inputQuant[j].Scale * unit), out a, out sh);
            }
            catch (InputDataException e)
            {
                throw new InputDataException($"model input element {j} (feature {f}, normalization std {std:G6}): {e.Message}", e);
            }

            definition.InputMultiplier[j] = a;
            definition.InputShift[j] = sh;
            definition.InputZeroPoint[j] = inputQuant[j].ZeroPoint;
        }

        return definition;
    }

    private static int[] OutputTable(OutputActivation output, AffineQuantization q)
    {
        var table = new int[256];
        for (int k = 0; k < 256; k++)
        {
            table[k] = output == OutputActivation.Sigmoid
                ? (int)Math.Round(32768.0 / (1 + Math.Exp(-q.Dequantize(k - 128))), MidpointRounding.AwayFromZero)
                : (int)Math.Round(65536.0 * Math.Exp(-k * q.Scale), MidpointRounding.AwayFromZero);
        }

        return table;
    }
}
