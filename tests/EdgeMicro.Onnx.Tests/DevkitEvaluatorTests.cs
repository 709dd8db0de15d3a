using EdgeMicro.Onnx.Evaluation;
using EdgeMicro.Onnx.Graph;
using Xunit.Abstractions;

namespace EdgeMicro.Onnx.Tests;

public sealed class DevkitEvaluatorTests(ITestOutputHelper output)
{
    private const double AbsoluteTolerance = 1e-5;
    private const double MaxUlps = 4;

    [Theory]
    [MemberData(nameof(Files))]
    public void Evaluate_WhenDevkitModel_ReproducesReferenceOutputs(string model, string file)
    {
        OnnxGraph graph = OnnxModelLoader.Load(DevkitModels.Path(model, file));
        var evaluator = new OnnxFloatEvaluator(graph);
        ReferenceData data = ReferenceData.Load(RepoPaths.ModelDir(model));

        double maxError = 0, worstUlps = 0;
        float worstValue = 0;
        int beyondAbsolute = 0;
        for (int row = 0; row < data.Inputs.Length; row++)
        {
            float[] actual = evaluator.Evaluate(data.Inputs[row]);
            Assert.Equal(data.Outputs[row].Length, actual.Length);
            for (int j = 0; j < actual.Length; j++)
            {
                float expected = data.Outputs[row][j];
                double error = Math.Abs((double)actual[j] - expected);
                double ulps = error / Ulp(expected);
                if (error > maxError)
                {
                    (maxError, worstUlps, worstValue) = (error, ulps, expected);
                }

                beyondAbsolute += error > AbsoluteTolerance ? 1 : 0;

                // 1e-5 absolute, except on large logits where float32 summation order alone gives a few ulps.
                Assert.True(
                    error <= AbsoluteTolerance || ulps <= MaxUlps,
                    $"{model}/{file} row {row} output {j}: {actual[j]:R} vs {expected:R} (error {error:E3}, {ulps:F1} ulp)");
            }
        }

        output.WriteLine(
            $"{model}/{file}: {data.Inputs.Length} rows, max |error| = {maxError:E3} (at {worstValue:G6}: {worstUlps:F1} float32 ulp), "
            + $"{beyondAbsolute} values beyond {AbsoluteTolerance:E0}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_WhenDevkitModel_ReadsInterfaceAndOpset(string model, string file)
    {
        OnnxGraph graph = OnnxModelLoader.Load(DevkitModels.Path(model, file));

        Assert.Equal("input", Assert.Single(graph.Inputs).Name);
        Assert.Single(graph.Outputs);
        Assert.Equal(model == "digits_matmul_dev" ? 11 : 13, graph.OpsetVersion);
        Assert.All(graph.Initializers.Values, t => Assert.Equal(OnnxDataType.Float, t.DataType));
    }

    public static TheoryData<string, string> Files => DevkitModels.Files;

    private static double Ulp(float value)
    {
        float magnitude = Math.Abs(value);
        return MathF.BitIncrement(magnitude) - magnitude;
    }
}
