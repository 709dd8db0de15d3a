using EdgeMicro.Onnx.Evaluation;
using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;
using EdgeMicro.Onnx.Lowering;

namespace EdgeMicro.Onnx.Tests;

/// <summary>Cross-checks a lowered model against the ONNX float evaluator on random inputs.</summary>
internal static class LoweringCheck
{
    /// <summary>Lowers <paramref name="graph"/> and asserts the IR reproduces the evaluator output.</summary>
    /// <param name="graph">Graph.</param>
    /// <param name="seed">Random seed for the inputs.</param>
    /// <param name="rows">Number of random inputs.</param>
    /// <returns>The lowered model.</returns>
    public static FloatModel LowerAndCompare(OnnxGraph graph, int seed = 1, int rows = 8)
    {
        FloatModel model = OnnxLowering.Lower(graph);
        var evaluator = new OnnxFloatEvaluator(graph);
        var runner = new FloatModelRunner(model);
        var random = new Random(seed);
        Assert.Equal(evaluator.InputLength, model.InputLength);
        for (int r = 0; r < rows; r++)
        {
            float[] input = Enumerable.Range(0, model.InputLength).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
            float[] expected = evaluator.Evaluate(input);
            float[] actual = runner.Predict(input);
            double error = DevkitModels.MaxAbsDiff(expected, actual);
            Assert.True(error <= 1e-5, $"lowered model differs from the evaluator by {error:E3} (row {r})");
        }

        return model;
    }
}
