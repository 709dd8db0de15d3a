using EdgeMicro.Data;

namespace EdgeMicro.Conversion.Tests.Data;

public sealed class InputLayoutTests
{
    [Fact]
    public void Parse_WhenRowColumnIsTransposed_ModelElementCTimes8PlusRReadsFeatureRTimes8PlusC()
    {
        InputLayout layout = InputLayout.Parse("(r c) -> c r", [8, 8], 64);

        Assert.NotNull(layout.Gather);
        Assert.Equal(64, layout.Gather.Length);
        for (int r = 0; r < 8; r++)
        {
            for (int c = 0; c < 8; c++)
            {
                Assert.Equal((r * 8) + c, layout.Gather[(c * 8) + r]);
            }
        }

        Assert.Equal("(r c) -> c r", layout.Spec);
    }

    [Fact]
    public void Arrange_WhenTransposed_PutsPixelEightTimesTPlusCAtInputCT()
    {
        InputLayout layout = InputLayout.Parse(" (r c)->c r ", [8, 8], 64);
        double[] pixels = Enumerable.Range(0, 64).Select(i => (double)i).ToArray();

        double[] input = layout.Arrange(pixels);

        // DEVKIT.md: input[0, c, t] = pixel(8*t + c).
        for (int c = 0; c < 8; c++)
        {
            for (int t = 0; t < 8; t++)
            {
                Assert.Equal((8 * t) + c, input[(c * 8) + t]);
            }
        }
    }

    [Fact]
    public void Parse_WhenThreeAxesArePermuted_GathersInCOrderOfTheModelAxes()
    {
        InputLayout layout = InputLayout.Parse("(h w c) -> c h w", [3, 2, 4], 24);

        for (int c = 0; c < 3; c++)
        {
            for (int h = 0; h < 2; h++)
            {
                for (int w = 0; w < 4; w++)
                {
                    Assert.Equal((((h * 4) + w) * 3) + c, layout.Gather![(c * 8) + (h * 4) + w]);
                }
            }
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("identity")]
    public void Parse_WhenNoSpecOrIdentity_ReturnsIdentity(string? spec)
    {
        InputLayout layout = InputLayout.Parse(spec, [1, 8, 8], 64);

        Assert.Same(InputLayout.Identity, layout);
        Assert.Null(layout.Gather);
        double[] features = [1, 2, 3];
        Assert.Same(features, layout.Arrange(features));
    }

    [Fact]
    public void Parse_WhenLeftGivesASizeThatMatchesTheModel_Accepts()
    {
        InputLayout layout = InputLayout.Parse("(r=8 c) -> c r", [8, 8], 64);

        Assert.Equal(InputLayout.Parse("(r c) -> c r", [8, 8], 64).Gather, layout.Gather);
    }

    [Theory]
    [InlineData("r c", 64)]
    [InlineData("(r c) -> c r -> r c", 64)]
    [InlineData("(r c) -> c", 64)]
    [InlineData("(r c) -> c r x", 64)]
    [InlineData("(r x) -> c r", 64)]
    [InlineData("(r r) -> r r", 64)]
    [InlineData("(r c c) -> c r", 64)]
    [InlineData("-> c r", 64)]
    [InlineData("(r 1c) -> c r", 64)]
    [InlineData("(r c) -> c-1 r", 64)]
    [InlineData("(r c) -> c r", 63)]
    [InlineData("(r=4 c=16) -> c r", 64)]
    [InlineData("(r=16 c) -> c r", 64)]
    public void Parse_WhenSpecIsBad_ThrowsInputDataExceptionNamingTheOption(string spec, int features)
    {
        var e = Assert.Throws<InputDataException>(() => InputLayout.Parse(spec, [8, 8], features));

        Assert.StartsWith("--input-layout '" + spec + "':", e.Message, StringComparison.Ordinal);
    }
}
