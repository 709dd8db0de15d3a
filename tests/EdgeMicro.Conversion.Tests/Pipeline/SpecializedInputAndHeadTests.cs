using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Conversion.Tests.Support;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>The generated input quantizer and head: bit-exact at the clamp and wrap edges, and only for the model
/// they were generated for.</summary>
[Collection(DevkitCollection.Name)]
public sealed class SpecializedInputAndHeadTests(DevkitConversions conversions)
{
    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Kernel_GivenSamplesFarOutOfTheCalibratedRange_QuantizesAndClassifiesLikeTheGenericCode(string key)
    {
        ConvertedModel c = conversions.Get(key);
        ModelDefinition model = c.Blob.Model;
        var generic = new Classifier(model);
        var special = new Classifier(model, c.NewKernel());
        var random = new Random(1313);
        int[] extremes = [int.MinValue, int.MaxValue, 0, -1, 1 << 30, -(1 << 30), 123456789, -987654321];

        for (int n = 0; n < 200; n++)
        {
            int[] sample = (int[])c.TestSamples[n % c.TestSamples.Length].Clone();
            for (int f = 0; f < sample.Length; f++)
            {
                int pick = random.Next(4);
                sample[f] = pick == 0 ? extremes[random.Next(extremes.Length)] : pick == 1 ? unchecked(sample[f] * random.Next(-64, 64)) : sample[f];
            }

            generic.Classify(sample);
            special.Classify(sample);

            Assert.Equal(generic.QuantizedInput.Take(model.InputLength), special.QuantizedInput.Take(model.InputLength));
            Assert.Equal(generic.Outputs.Take(model.Layers[^1].OutputLength), special.Outputs.Take(model.Layers[^1].OutputLength));
            Assert.Equal((generic.PredictedClass, generic.RunnerUpClass, generic.ConfidenceQ15, generic.MarginQ15), (special.PredictedClass, special.RunnerUpClass, special.ConfidenceQ15, special.MarginQ15));
        }
    }

    [Fact]
    public void Kernel_GivenAModelWithAnotherInputQuantizer_DeclinesItAndTheClassifierStaysBitExact()
    {
        ConvertedModel c = conversions.Get("digits_mlp");
        ModelDefinition recalibrated = ModelBlobReader.Read(File.ReadAllBytes(c.PathOf(c.Model.BlobFile))).Model;
        recalibrated.InputMultiplier[0] += 1000;
        recalibrated.InputOffset[5] -= 3;
        ISpecializedKernel kernel = c.NewKernel();

        Assert.True(((ISpecializedInput)kernel).AcceptsInput(c.Blob.Model));
        Assert.False(((ISpecializedInput)kernel).AcceptsInput(recalibrated));
        Assert.True(((ISpecializedHead)kernel).AcceptsHead(recalibrated));

        var generic = new Classifier(recalibrated);
        var special = new Classifier(recalibrated, kernel);
        foreach (int[] sample in c.TestSamples)
        {
            generic.Classify(sample);
            special.Classify(sample);
            Assert.Equal(generic.QuantizedInput.Take(recalibrated.InputLength), special.QuantizedInput.Take(recalibrated.InputLength));
            Assert.Equal(generic.PredictedClass, special.PredictedClass);
            Assert.Equal(generic.ConfidenceQ15, special.ConfidenceQ15);
        }
    }

    [Fact]
    public void Kernel_GivenAModelWithAnotherHead_DeclinesIt()
    {
        ConvertedModel c = conversions.Get("digits_mlp");
        ModelDefinition sigmoid = ModelBlobReader.Read(File.ReadAllBytes(c.PathOf(c.Model.BlobFile))).Model;
        sigmoid.OutputKind = OutputKind.Sigmoid;
        var kernel = (ISpecializedHead)c.NewKernel();

        Assert.True(kernel.AcceptsHead(c.Blob.Model));
        Assert.False(kernel.AcceptsHead(sigmoid));
    }
}
