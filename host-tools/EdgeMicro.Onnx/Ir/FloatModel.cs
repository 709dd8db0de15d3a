namespace EdgeMicro.Onnx.Ir;

/// <summary>
/// A classifier lowered from an ONNX graph into a straight chain of float layers, ready for quantization.
/// Tensors are flat float arrays in C order; feature maps are CHW (a 1-D conv input [C, W] is C × 1 × W).
/// Flatten, Reshape, Identity and Dropout disappear (they do not move data in C order), constant Pads are merged into
/// the next Conv/Pool, BatchNormalization is folded into the preceding Conv/Dense, MatMul+Add becomes Dense.
/// A final Softmax or Sigmoid is not a layer: it is recorded in <see cref="Output"/>.
/// </summary>
public sealed class FloatModel
{
    /// <summary>Model input dimensions without the batch dimension (e.g. [64], [1, 8, 8], [8, 8]).</summary>
    public required int[] InputDims { get; init; }

    /// <summary>The layers in execution order.</summary>
    public required IReadOnlyList<FloatLayer> Layers { get; init; }

    /// <summary>What the graph applies after the last layer.</summary>
    public required OutputActivation Output { get; init; }

    /// <summary>Name of the graph output (e.g. "logits", "probabilities").</summary>
    public required string OutputName { get; init; }

    /// <summary>Number of elements of the model input.</summary>
    public int InputLength => InputDims.Aggregate(1, (a, b) => a * b);

    /// <summary>Number of outputs of the last layer (classes; 1 for a binary sigmoid model).</summary>
    public int OutputLength => Layers[^1].OutputShape.Length;
}

/// <summary>Activation applied by the graph after the last layer.</summary>
public enum OutputActivation
{
    /// <summary>Raw logits.</summary>
    None,

    /// <summary>Softmax over the class axis.</summary>
    Softmax,

    /// <summary>Element-wise logistic sigmoid.</summary>
    Sigmoid,
}

/// <summary>Shape of a CHW feature map (a flat vector is C=n, H=1, W=1).</summary>
public readonly record struct FeatureShape(int Channels, int Height, int Width)
{
    /// <summary>Number of elements.</summary>
    public int Length => Channels * Height * Width;

    /// <inheritdoc />
    public override string ToString() => $"{Channels}x{Height}x{Width}";
}

/// <summary>A layer of a <see cref="FloatModel"/>.</summary>
public abstract class FloatLayer
{
    /// <summary>ONNX node name(s) this layer came from, for messages and reports.</summary>
    public required string Name { get; init; }

    /// <summary>Input feature map shape.</summary>
    public required FeatureShape InputShape { get; init; }

    /// <summary>Output feature map shape.</summary>
    public required FeatureShape OutputShape { get; init; }

    /// <summary>Runs the layer in float (reference semantics of the ONNX operators it came from).</summary>
    public abstract void Evaluate(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Multiply-accumulate operations per inference (0 for pooling and activations).</summary>
    public virtual long Macs => 0;
}

/// <summary>Fully connected: y[o] = sum_i W[o*In + i] * x[i] + b[o].</summary>
public sealed class DenseLayer : FloatLayer
{
    /// <summary>Weights, row-major [out, in].</summary>
    public required float[] Weights { get; init; }

    /// <summary>Bias per output (zeros when the graph has none).</summary>
    public required float[] Bias { get; init; }

    /// <summary>Input length.</summary>
    public int In => InputShape.Length;

    /// <summary>Output length.</summary>
    public int Out => OutputShape.Length;

    /// <inheritdoc />
    public override long Macs => (long)In * Out;

    /// <inheritdoc />
    public override void Evaluate(ReadOnlySpan<float> input, Span<float> output)
    {
        for (int o = 0; o < Out; o++)
        {
            double acc = Bias[o];
            for (int i = 0; i < In; i++)
            {
                acc += (double)Weights[(o * In) + i] * input[i];
            }

            output[o] = (float)acc;
        }
    }
}

/// <summary>2-D convolution (1-D convs have Height 1, KernelH 1) with ONNX Conv semantics.</summary>
public sealed class ConvLayer : FloatLayer
{
    /// <summary>Weights [Cout, Cin/Group, KernelH, KernelW].</summary>
    public required float[] Weights { get; init; }

    /// <summary>Bias per output channel (zeros when absent).</summary>
    public required float[] Bias { get; init; }

    /// <summary>Kernel height.</summary>
    public required int KernelH { get; init; }

    /// <summary>Kernel width.</summary>
    public required int KernelW { get; init; }

    /// <summary>Vertical stride.</summary>
    public required int StrideH { get; init; }

    /// <summary>Horizontal stride.</summary>
    public required int StrideW { get; init; }

    /// <summary>Zero padding rows above.</summary>
    public required int PadTop { get; init; }

    /// <summary>Zero padding columns left.</summary>
    public required int PadLeft { get; init; }

    /// <summary>Zero padding rows below.</summary>
    public required int PadBottom { get; init; }

    /// <summary>Zero padding columns right.</summary>
    public required int PadRight { get; init; }

    /// <summary>Vertical dilation.</summary>
    public required int DilationH { get; init; }

    /// <summary>Horizontal dilation.</summary>
    public required int DilationW { get; init; }

    /// <summary>Number of groups (Cin for depthwise).</summary>
    public required int Group { get; init; }

    /// <inheritdoc />
    public override long Macs => (long)OutputShape.Length * (InputShape.Channels / Group) * KernelH * KernelW;

    /// <inheritdoc />
    public override void Evaluate(ReadOnlySpan<float> input, Span<float> output)
    {
        int cin = InputShape.Channels, h = InputShape.Height, w = InputShape.Width;
        int cout = OutputShape.Channels, oh = OutputShape.Height, ow = OutputShape.Width;
        int cinPerGroup = cin / Group, coutPerGroup = cout / Group;
        for (int oc = 0; oc < cout; oc++)
        {
            int g = oc / coutPerGroup;
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    double acc = Bias[oc];
                    for (int ic = 0; ic < cinPerGroup; ic++)
                    {
                        int c = (g * cinPerGroup) + ic;
                        for (int ky = 0; ky < KernelH; ky++)
                        {
                            int y = (oy * StrideH) - PadTop + (ky * DilationH);
                            if (y < 0 || y >= h)
                            {
                                continue;
                            }

                            for (int kx = 0; kx < KernelW; kx++)
                            {
                                int x = (ox * StrideW) - PadLeft + (kx * DilationW);
                                if (x < 0 || x >= w)
                                {
                                    continue;
                                }

                                float wv = Weights[(((((oc * cinPerGroup) + ic) * KernelH) + ky) * KernelW) + kx];
                                acc += (double)wv * input[(((c * h) + y) * w) + x];
                            }
                        }
                    }

                    output[(((oc * oh) + oy) * ow) + ox] = (float)acc;
                }
            }
        }
    }
}

/// <summary>Kind of pooling.</summary>
public enum PoolKind
{
    /// <summary>Maximum over the window (padding never wins).</summary>
    Max,

    /// <summary>Mean over the window.</summary>
    Average,
}

/// <summary>MaxPool / AveragePool / GlobalAveragePool (a global pool has a kernel equal to the input size).</summary>
public sealed class PoolLayer : FloatLayer
{
    /// <summary>Max or average.</summary>
    public required PoolKind Kind { get; init; }

    /// <summary>Kernel height.</summary>
    public required int KernelH { get; init; }

    /// <summary>Kernel width.</summary>
    public required int KernelW { get; init; }

    /// <summary>Vertical stride.</summary>
    public required int StrideH { get; init; }

    /// <summary>Horizontal stride.</summary>
    public required int StrideW { get; init; }

    /// <summary>Padding rows above.</summary>
    public required int PadTop { get; init; }

    /// <summary>Padding columns left.</summary>
    public required int PadLeft { get; init; }

    /// <summary>Padding rows below.</summary>
    public required int PadBottom { get; init; }

    /// <summary>Padding columns right.</summary>
    public required int PadRight { get; init; }

    /// <summary>Average pooling divides by the full kernel size (true) or by the in-bounds count (false).
    /// Zeros merged from a preceding constant Pad node count as in-bounds values: they are real zeros.</summary>
    public required bool CountIncludePad { get; init; }

    /// <inheritdoc />
    public override void Evaluate(ReadOnlySpan<float> input, Span<float> output)
    {
        int c = InputShape.Channels, h = InputShape.Height, w = InputShape.Width;
        int oh = OutputShape.Height, ow = OutputShape.Width;
        for (int ch = 0; ch < c; ch++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    double acc = Kind == PoolKind.Max ? double.NegativeInfinity : 0;
                    int count = 0;
                    for (int ky = 0; ky < KernelH; ky++)
                    {
                        int y = (oy * StrideH) - PadTop + ky;
                        for (int kx = 0; kx < KernelW; kx++)
                        {
                            int x = (ox * StrideW) - PadLeft + kx;
                            if (y < 0 || y >= h || x < 0 || x >= w)
                            {
                                continue;
                            }

                            float v = input[(((ch * h) + y) * w) + x];
                            acc = Kind == PoolKind.Max ? Math.Max(acc, v) : acc + v;
                            count++;
                        }
                    }

                    if (Kind == PoolKind.Average)
                    {
                        acc /= CountIncludePad ? KernelH * KernelW : Math.Max(count, 1);
                    }

                    output[(((ch * oh) + oy) * ow) + ox] = (float)acc;
                }
            }
        }
    }
}

/// <summary>Kind of element-wise activation.</summary>
public enum ActivationKind
{
    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>min(max(x, Min), Max) (ReLU6 is Clip(0, 6)).</summary>
    Clip,

    /// <summary>x if x &gt;= 0 else Alpha * x.</summary>
    LeakyRelu,
}

/// <summary>Element-wise activation (the quantizer fuses it into the preceding layer's clamp).</summary>
public sealed class ActivationLayer : FloatLayer
{
    /// <summary>Which function.</summary>
    public required ActivationKind Kind { get; init; }

    /// <summary>Clip lower bound (float.NegativeInfinity when absent).</summary>
    public float Min { get; init; } = float.NegativeInfinity;

    /// <summary>Clip upper bound (float.PositiveInfinity when absent).</summary>
    public float Max { get; init; } = float.PositiveInfinity;

    /// <summary>LeakyRelu negative slope.</summary>
    public float Alpha { get; init; } = 0.01f;

    /// <summary>Applies the activation to one value.</summary>
    public float Apply(float v) => Kind switch
    {
        ActivationKind.Relu => v > 0 ? v : 0,
        ActivationKind.Clip => Math.Min(Math.Max(v, Min), Max),
        _ => v >= 0 ? v : Alpha * v,
    };

    /// <inheritdoc />
    public override void Evaluate(ReadOnlySpan<float> input, Span<float> output)
    {
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = Apply(input[i]);
        }
    }
}
