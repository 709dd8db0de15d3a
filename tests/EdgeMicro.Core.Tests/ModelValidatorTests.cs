using EdgeMicro.Core.Model;
using EdgeMicro.Core.Tests.Support;

namespace EdgeMicro.Core.Tests;

/// <summary>Each kind of inconsistency is rejected with a message naming the field (and layer) and the values.</summary>
public sealed class ModelValidatorTests
{
    // Base model (TinyModels.ConvPoolDense): input 4x4x4, layer 0 Conv 4->6 groups 2, layer 1 MaxPool 2x2, layer 2 Dense 24->3.
    private static readonly Dictionary<string, (Action<ModelDefinition> Break, string Message)> Cases = new()
    {
        ["no layers"] = (m => m.Layers = Array.Empty<LayerDefinition>(), "model has no layers"),
        ["missing layer"] = (m => m.Layers[1] = null!, "layer 1 is missing"),
        ["class count"] = (m => m.ClassCount = 1, "class count is 1, expected 2..256"),
        ["class names"] = (m => m.ClassNames = new[] { "a", "b" }, "model has 2 class names for 3 classes"),
        ["feature count"] = (m => m.FeatureCount = 0, "feature count is 0, expected 1..65535"),
        ["input fraction bits"] = (m => m.InputFractionBits = 25, "input fraction bits is 25, expected 0..24"),
        ["missing input zero points"] = (m => m.InputZeroPoint = null!, "input length is 0, expected 1..65536"),
        ["missing input offsets"] = (m => m.InputOffset = null!, "input offset has 0 values, expected 64"),
        ["short input shifts"] = (m => m.InputShift = new int[63], "input shift has 63 values, expected 64"),
        ["no layout for other feature count"] = (m => m.FeatureCount = 65, "input length 64 differs from feature count 65 and there is no input layout"),
        ["layout length"] = (m => m.InputGather = new short[3], "input gather has 3 values, expected 64"),
        ["layout out of range"] = (m => m.InputGather = Enumerable.Range(0, 64).Select(i => (short)(i == 10 ? 64 : i)).ToArray(), "input gather is 64, expected 0..63"),
        ["input multiplier too large"] = (m => m.InputMultiplier[5] = 1 << 30, "input multiplier is 1073741824, expected 0..1073741823"),
        ["negative input multiplier"] = (m => m.InputMultiplier[5] = -1, "input multiplier is -1, expected 0..1073741823"),
        ["input shift"] = (m => m.InputShift[2] = 63, "input shift is 63, expected 0..62"),
        ["input zero point"] = (m => m.InputZeroPoint[9] = 128, "input zero point is 128, expected -128..127"),
        ["output kind"] = (m => m.OutputKind = 2, "output kind is 2, expected 0..1"),
        ["missing output table"] = (m => m.OutputTable = null!, "output table has 0 values, expected 256"),
        ["output table value"] = (m => m.OutputTable[7] = 65537, "output table is 65537, expected 0..65536"),
        ["softmax table start"] = (m => m.OutputTable[0] = 65535, "softmax output table must start with 65536"),
        ["unknown kind"] = (m => m.Layers[2].Kind = 9, "layer 2 (unknown) kind is 9, expected 1..4"),
        ["channels"] = (m => m.Layers[0].OutChannels = 5000, "layer 0 (Conv) out channels is 5000, expected 1..4096"),
        ["activation too large"] = (m => (m.Layers[0].InHeight, m.Layers[0].InWidth, m.Layers[0].InChannels) = (1024, 1024, 1), "layer 0 (Conv) input has 1048576 elements, limit 65536"),
        ["chain length mismatch"] = (m => m.Layers[2].InChannels = 25, "layer 2 (Dense) takes 25 inputs but receives 24"),
        ["input range differs"] = (m => m.Layers[1].InputMin = -127, "layer 1 (MaxPool) input range differs from the previous layer's clamp"),
        ["output zero point"] = (m => m.Layers[0].OutputZeroPoint = 128, "layer 0 (Conv) output zero point is 128, expected -128..127"),
        ["activation max below min"] = (m => (m.Layers[2].ActivationMin, m.Layers[2].ActivationMax) = (10, 5), "layer 2 (Dense) activation max is 5, expected 10..127"),
        ["missing layer zero points"] = (m => m.Layers[0].InputZeroPoints = null!, "layer 0 (Conv) input zero points has 0 values, expected 4"),
        ["dense zero points per element"] = (m => m.Layers[2].InputZeroPoints = new int[6], "layer 2 (Dense) input zero points has 6 values, expected 24"),
        ["layer zero point range"] = (m => m.Layers[1].InputZeroPoints[3] = -129, "layer 1 (MaxPool) input zero point is -129, expected -128..127"),
        ["groups out of range"] = (m => m.Layers[0].Groups = 5, "layer 0 (Conv) groups is 5, expected 1..4"),
        ["groups missing"] = (m => m.Layers[0].Groups = 0, "layer 0 (Conv) groups is 0, expected 1..4"),
        ["groups do not divide"] = (m => m.Layers[0].Groups = 4, "layer 0 (Conv) groups 4 do not divide the channels"),
        ["window out-size mismatch"] = (m => m.Layers[0].PadBottom = 0, "layer 0 (Conv) output 4x4 does not match its window"),
        ["window larger than input"] = (m => m.Layers[0].KernelHeight = 7, "layer 0 (Conv) output 4x4 does not match its window"),
        ["stride"] = (m => m.Layers[0].StrideWidth = 0, "layer 0 (Conv) stride width is 0, expected 1..64"),
        ["dilation"] = (m => m.Layers[0].DilationHeight = 65, "layer 0 (Conv) dilation height is 65, expected 1..64"),
        ["padding"] = (m => m.Layers[0].PadLeft = -1, "layer 0 (Conv) pad left is -1, expected 0..64"),
        ["kernel"] = (m => m.Layers[1].KernelWidth = 0, "layer 1 (MaxPool) kernel width is 0, expected 1..64"),
        ["dense output not a vector"] = (m => (m.Layers[2].OutChannels, m.Layers[2].OutWidth) = (1, 3), "layer 2 (Dense) output must be a vector"),
        ["missing weights"] = (m => m.Layers[0].Weights = null!, "layer 0 (Conv) weights has 0 values, expected 108"),
        ["short weights"] = (m => m.Layers[2].Weights = new sbyte[71], "layer 2 (Dense) weights has 71 values, expected 72"),
        ["layer over the weight limit"] = (m => (m.Layers[0].KernelHeight, m.Layers[0].KernelWidth, m.Layers[0].PadTop, m.Layers[0].PadBottom, m.Layers[0].PadLeft, m.Layers[0].PadRight, m.Layers[0].Groups, m.Layers[0].OutChannels) = (64, 64, 31, 32, 31, 32, 1, 128), "layer 0 (Conv) has more than 1048576 weights"),
        ["missing bias"] = (m => m.Layers[2].Bias = null!, "layer 2 (Dense) bias has 0 values, expected 3"),
        ["missing multiplier"] = (m => m.Layers[0].Multiplier = null!, "layer 0 (Conv) multiplier has 0 values, expected 6"),
        ["missing shift"] = (m => m.Layers[0].Shift = new int[5], "layer 0 (Conv) shift has 5 values, expected 6"),
        ["negative multiplier"] = (m => m.Layers[0].Multiplier[3] = -1, "layer 0 (Conv) multiplier is -1, expected 0..2147483647"),
        ["shift zero"] = (m => m.Layers[2].Shift[1] = 0, "layer 2 (Dense) shift is 0, expected 1..62"),
        ["shift too large"] = (m => m.Layers[2].Shift[2] = 63, "layer 2 (Dense) shift is 63, expected 1..62"),
        ["leaky shift out of range"] = (m => m.Layers[0].NegativeShift[0] = 70, "layer 0 (Conv) negative shift is 70, expected 1..62"),
        ["leaky shift missing"] = (m => m.Layers[0].NegativeShift = null!, "layer 0 (Conv) negative shift has 0 values, expected 6"),
        ["leaky multiplier missing"] = (m => m.Layers[0].NegativeMultiplier = null!, "layer 0 (Conv) negative multiplier has 0 values, expected 6"),
        ["pool with weights"] = (m => m.Layers[1].Weights = new sbyte[1], "layer 1 (MaxPool) must not carry weights"),
        ["pool with bias"] = (m => m.Layers[1].Bias = new int[6], "layer 1 (MaxPool) must not carry weights"),
        ["pool changes channels"] = (m => m.Layers[1].OutChannels = 5, "layer 1 (MaxPool) changes the channel count"),
        ["count include pad"] = (m => m.Layers[1].CountIncludePad = 2, "layer 1 (MaxPool) count include pad is 2, expected 0..1"),
        ["average pool window in padding"] = (m => (m.Layers[1].Kind, m.Layers[1].PadLeft, m.Layers[1].PadRight, m.Layers[1].OutWidth, m.Layers[2].InChannels) = (LayerKind.AveragePool, 2, 2, 4, 48), "layer 1 (AveragePool) padding (top 0, left 2, bottom 0, right 2) must be smaller than its 2x2 window: a window would lie entirely in padding"),
        ["pool window in padding"] = (m => (m.Layers[1].PadTop, m.Layers[1].PadBottom, m.Layers[1].OutHeight, m.Layers[2].InChannels) = (2, 2, 4, 48), "layer 1 (MaxPool) padding (top 2, left 0, bottom 2, right 0) must be smaller than its 2x2 window: a window would lie entirely in padding"),
        ["last layer outputs"] = (m => (m.ClassNames, m.ClassCount) = (null!, 4), "last layer has 3 outputs for 4 classes"),
        ["single output needs sigmoid"] = (m => (m.ClassNames, m.ClassCount, m.Layers[2].OutChannels, m.Layers[2].Weights, m.Layers[2].Bias, m.Layers[2].Multiplier, m.Layers[2].Shift) = (null!, 2, 1, new sbyte[24], new int[1], new[] { 1 << 30 }, new[] { 30 }), "last layer has 1 outputs for 2 classes"),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(k => new object[] { k });

    [Fact]
    public void Validate_WhenModelIsConsistent_DoesNotThrow()
    {
        ModelValidator.Validate(TinyModels.ConvPoolDense());
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Validate_WhenModelIsInconsistent_ThrowsModelFormatExceptionNamingTheProblem(string name)
    {
        ModelDefinition m = TinyModels.ConvPoolDense();
        (Action<ModelDefinition> breakIt, string message) = Cases[name];
        breakIt(m);

        var e = Assert.Throws<ModelFormatException>(() => ModelValidator.Validate(m));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Validate_WhenAverageCountsPaddingWindowsOfPaddingOnly_Accepts()
    {
        // An importer-merged Pad node: every padded cell is a real zero, so an all-padding window averages to zp.
        ModelDefinition m = TinyModels.ConvPoolDense();
        (m.Layers[1].Kind, m.Layers[1].CountIncludePad) = (LayerKind.AveragePool, 1);
        (m.Layers[1].PadLeft, m.Layers[1].PadRight, m.Layers[1].OutWidth, m.Layers[2].InChannels) = (2, 2, 4, 48);
        m.Layers[2].InputZeroPoints = new int[48];
        m.Layers[2].Weights = new sbyte[48 * 3];

        ModelValidator.Validate(m);
    }

    [Fact]
    public void Validate_WhenModelIsNull_ThrowsModelFormatException()
    {
        Assert.Equal("model has no layers", Assert.Throws<ModelFormatException>(() => ModelValidator.Validate(null!)).Message);
    }
}
