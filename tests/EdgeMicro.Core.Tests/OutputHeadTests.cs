using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Tests.Support;

namespace EdgeMicro.Core.Tests;

/// <summary>The output head on ties and at the sigmoid decision point (the last layer's outputs equal its biases).</summary>
public sealed class OutputHeadTests
{
    [Fact]
    public void Softmax_WhenAllOutputsTie_LowestIndexWinsWithZeroMargin()
    {
        Classifier c = Run(TinyModels.Dense(2, 4), new[] { 9, 9, 9, 9 });

        Assert.Equal(0, c.PredictedClass);
        Assert.Equal(1, c.RunnerUpClass);
        Assert.Equal(0, c.MarginQ15);
        Assert.Equal(8192, c.ConfidenceQ15); // 2^31 / (4 * 2^16)
    }

    [Fact]
    public void Softmax_WhenTopTwoTieAfterLowerOutputs_LowestTiedIndexWinsAndTheOtherIsRunnerUp()
    {
        ModelDefinition m = TinyModels.Dense(2, 5);
        Classifier c = Run(m, new[] { 0, 10, 20, 20, -5 });

        Assert.Equal(2, c.PredictedClass);
        Assert.Equal(3, c.RunnerUpClass);
        Assert.Equal(0, c.MarginQ15);
        long sum = m.OutputTable[20] + m.OutputTable[10] + m.OutputTable[0] + m.OutputTable[0] + m.OutputTable[25];
        Assert.Equal(((1L << 31) + (sum / 2)) / sum, c.ConfidenceQ15);
    }

    [Fact]
    public void Softmax_WhenRunnerUpTiesWithALaterOutput_LowestIndexIsRunnerUp()
    {
        Classifier c = Run(TinyModels.Dense(2, 4), new[] { 3, 50, 7, 7 });

        Assert.Equal(1, c.PredictedClass);
        Assert.Equal(2, c.RunnerUpClass);
        Assert.True(c.MarginQ15 > 0);
    }

    [Fact]
    public void Sigmoid_WhenSeveralOutputsTie_LowestIndexWinsWithZeroMargin()
    {
        ModelDefinition m = TinyModels.Dense(2, 3, OutputKind.Sigmoid);
        Classifier c = Run(m, new[] { 40, 40, 40 });

        Assert.Equal(0, c.PredictedClass);
        Assert.Equal(1, c.RunnerUpClass);
        Assert.Equal(0, c.MarginQ15);
        Assert.Equal(m.OutputTable[40 + 128], c.ConfidenceQ15);
    }

    [Theory]
    [InlineData(16384, 1, 16384, 0)]     // exactly one half: class 1, zero margin
    [InlineData(16383, 0, 16385, 2)]     // just below: class 0
    [InlineData(32768, 1, 32768, 32768)]
    [InlineData(0, 0, 32768, 32768)]
    public void Sigmoid_WhenSingleOutputIsAtTheDecisionPoint_ClassOneFromOneHalf(int p, int expectedClass, int confidence, int margin)
    {
        ModelDefinition m = TinyModels.Dense(2, 1, OutputKind.Sigmoid, classCount: 2);
        m.OutputTable = Enumerable.Repeat(p, 256).ToArray();
        Classifier c = Run(m, new[] { -3 });

        Assert.Equal(expectedClass, c.PredictedClass);
        Assert.Equal(1 - expectedClass, c.RunnerUpClass);
        Assert.Equal(confidence, c.ConfidenceQ15);
        Assert.Equal(margin, c.MarginQ15);
    }

    private static Classifier Run(ModelDefinition m, int[] outputs)
    {
        m.Layers[0].Bias = outputs;
        var c = new Classifier(m);
        c.Classify(new int[m.FeatureCount]);
        Assert.Equal(outputs.Select(v => (sbyte)v).ToArray(), c.Outputs.Take(outputs.Length).ToArray());
        return c;
    }
}
