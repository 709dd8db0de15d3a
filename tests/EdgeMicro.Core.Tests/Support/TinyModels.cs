using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Tests.Support;

/// <summary>Small hand-made models for focused tests.</summary>
public static class TinyModels
{
    /// <summary>Multiplier 2^30 with shift 30: requantization is the identity.</summary>
    public const int UnitMultiplier = 1 << 30;

    /// <summary>
    /// One Dense layer with identity input quantizer (q = clamp(x)) and identity requantization: with zero weights the
    /// outputs equal the biases.
    /// </summary>
    public static ModelDefinition Dense(int inputs, int outputs, int outputKind = OutputKind.Softmax, int classCount = -1)
    {
        ModelDefinition m = Input(inputs, 1, 1);
        m.OutputKind = outputKind;
        m.ClassCount = classCount < 0 ? outputs : classCount;
        m.OutputTable = outputKind == OutputKind.Softmax ? SoftmaxTable(0.1) : SigmoidTable(0.05);
        m.Layers = new[] { DenseLayer(inputs, outputs, -128, 127) };
        return m;
    }

    /// <summary>
    /// Input 4x4x4 (64 features), Conv 4-&gt;6 3x3 pad 1 groups 2 with LeakyRelu, MaxPool 2x2 stride 2, Dense 24-&gt;3,
    /// softmax over 3 named classes. Valid; the validator tests break it one field at a time.
    /// </summary>
    public static ModelDefinition ConvPoolDense()
    {
        ModelDefinition m = Input(4, 4, 4);
        m.OutputKind = OutputKind.Softmax;
        m.ClassCount = 3;
        m.ClassNames = new[] { "a", "b", "c" };
        m.OutputTable = SoftmaxTable(0.1);
        var conv = new LayerDefinition
        {
            Kind = LayerKind.Conv,
            InChannels = 4, InHeight = 4, InWidth = 4, OutChannels = 6, OutHeight = 4, OutWidth = 4,
            KernelHeight = 3, KernelWidth = 3, StrideHeight = 1, StrideWidth = 1, DilationHeight = 1, DilationWidth = 1,
            PadTop = 1, PadLeft = 1, PadBottom = 1, PadRight = 1, Groups = 2,
            OutputZeroPoint = -5, ActivationMin = -128, ActivationMax = 127, InputMin = -128, InputMax = 127,
            InputZeroPoints = new[] { 1, -2, 3, 0 },
            Weights = Pattern(6 * 2 * 3 * 3),
            Bias = new[] { 10, -20, 30, -40, 50, -60 },
            Multiplier = Enumerable.Repeat(UnitMultiplier, 6).ToArray(),
            Shift = Enumerable.Repeat(36, 6).ToArray(),
            NegativeMultiplier = Enumerable.Repeat(UnitMultiplier, 6).ToArray(),
            NegativeShift = Enumerable.Repeat(38, 6).ToArray(),
        };
        var pool = new LayerDefinition
        {
            Kind = LayerKind.MaxPool,
            InChannels = 6, InHeight = 4, InWidth = 4, OutChannels = 6, OutHeight = 2, OutWidth = 2,
            KernelHeight = 2, KernelWidth = 2, StrideHeight = 2, StrideWidth = 2,
            OutputZeroPoint = -5, ActivationMin = -128, ActivationMax = 127, InputMin = -128, InputMax = 127,
            InputZeroPoints = Enumerable.Repeat(-5, 6).ToArray(),
        };
        LayerDefinition dense = DenseLayer(24, 3, -128, 127);
        dense.Weights = Pattern(24 * 3);
        dense.Shift = Enumerable.Repeat(35, 3).ToArray();
        m.Layers = new[] { conv, pool, dense };
        return m;
    }

    /// <summary>Dense layer with zero weights, zero biases and identity requantization.</summary>
    public static LayerDefinition DenseLayer(int inputs, int outputs, int inputMin, int inputMax) => new()
    {
        Kind = LayerKind.Dense,
        InChannels = inputs, InHeight = 1, InWidth = 1, OutChannels = outputs, OutHeight = 1, OutWidth = 1,
        ActivationMin = -128, ActivationMax = 127, InputMin = inputMin, InputMax = inputMax,
        InputZeroPoints = new int[inputs],
        Weights = new sbyte[inputs * outputs],
        Bias = new int[outputs],
        Multiplier = Enumerable.Repeat(UnitMultiplier, outputs).ToArray(),
        Shift = Enumerable.Repeat(30, outputs).ToArray(),
    };

    /// <summary>Softmax table T[d] = round(2^16 exp(-d s)).</summary>
    public static int[] SoftmaxTable(double s) => Enumerable.Range(0, 256).Select(d => (int)Math.Round(65536 * Math.Exp(-d * s))).ToArray();

    /// <summary>Sigmoid table T[q + 128] = round(2^15 sigmoid(s q)).</summary>
    public static int[] SigmoidTable(double s) => Enumerable.Range(0, 256).Select(k => (int)Math.Round(32768 / (1 + Math.Exp(-s * (k - 128))))).ToArray();

    private static ModelDefinition Input(int c, int h, int w)
    {
        int n = c * h * w;
        return new ModelDefinition
        {
            ModelId = "tiny",
            ModelVersion = 7,
            FeatureCount = n,
            InputFractionBits = 0,
            InputOffset = new int[n],
            InputMultiplier = Enumerable.Repeat(1, n).ToArray(),
            InputShift = new int[n],
            InputZeroPoint = new int[n],
        };
    }

    private static sbyte[] Pattern(int n) => Enumerable.Range(0, n).Select(i => (sbyte)(((i * 37) % 255) - 127)).ToArray();
}
