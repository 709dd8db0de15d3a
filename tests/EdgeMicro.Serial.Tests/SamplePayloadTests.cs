using EdgeMicro.Core.Model;
using EdgeMicro.Core.Protocol;

namespace EdgeMicro.Serial.Tests;

/// <summary>The INFER sample payload (<see cref="SamplePayload"/>): literal bytes per width and shift, and a seeded round trip.</summary>
public sealed class SamplePayloadTests
{
    [Fact]
    public void Encode_WhenValuesAreWholeNumbersInQ16_SendsThemAsInt8WithShift16()
    {
        byte[] payload = SamplePayload.Encode([0, 16 << 16, 5 << 16, -3 << 16]);

        Assert.Equal(new byte[] { 0x04, 0x00, 0x01, 0x10, 0x00, 0x10, 0x05, 0xFD }, payload);
    }

    [Fact]
    public void Encode_WhenAShiftedValueExceedsInt8_SendsInt16()
    {
        byte[] payload = SamplePayload.Encode([300, -2, 0]); // shift 1 (of -2), values 150, -1, 0

        Assert.Equal(new byte[] { 0x03, 0x00, 0x02, 0x01, 0x96, 0x00, 0xFF, 0xFF, 0x00, 0x00 }, payload);
    }

    [Fact]
    public void Encode_WhenValuesNeedAllBits_SendsInt32WithoutShift()
    {
        byte[] payload = SamplePayload.Encode([int.MinValue, 1]);

        Assert.Equal(new byte[] { 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x80, 0x01, 0x00, 0x00, 0x00 }, payload);
    }

    [Fact]
    public void Encode_WhenEveryValueIsZero_SendsInt8WithoutShift()
    {
        Assert.Equal(new byte[] { 0x02, 0x00, 0x01, 0x00, 0x00, 0x00 }, SamplePayload.Encode([0, 0]));
        Assert.Equal(new int[] { 0, 0 }, SamplePayload.Read([0x02, 0x00, 0x01, 0x00, 0x00, 0x00]));
    }

    [Theory]
    [InlineData(new byte[] { 0x01, 0x00, 0x03, 0x00, 0x01, 0x02, 0x03 }, "width 3")]
    [InlineData(new byte[] { 0x01, 0x00, 0x01, 0x20, 0x01 }, "shift 32")]
    [InlineData(new byte[] { 0x02, 0x00, 0x02, 0x00, 0x01, 0x00 }, "has 2 value bytes")]
    [InlineData(new byte[] { 0x01, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00, 0x40 }, "overflows int32")]
    [InlineData(new byte[] { 0x40, 0x00, 0x04 }, "shift")]
    public void Read_WhenMalformed_ThrowsNamingTheProblem(byte[] payload, string problem)
    {
        var e = Assert.Throws<ModelFormatException>(() => SamplePayload.Read(payload));

        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoundTrip_WhenGivenSeededRandomSamples_KeepsEveryValueInTheSmallestWidth()
    {
        var random = new Random(17);
        for (int i = 0; i < 2000; i++)
        {
            int shift = random.Next(0, 32), bits = random.Next(1, 33);
            int[] sample = new int[random.Next(0, 80)];
            for (int j = 0; j < sample.Length; j++)
            {
                long v = random.NextInt64(-(1L << (bits - 1)), 1L << (bits - 1));
                sample[j] = unchecked((int)(v << shift));
            }

            byte[] payload = SamplePayload.Encode(sample);

            Assert.Equal(sample, SamplePayload.Read(payload));
            int width = payload[2], s = payload[3];
            Assert.All(sample, v => Assert.Equal(0L, v & ((1L << s) - 1)));
            int smaller = width == 4 ? 2 : width == 2 ? 1 : 0;
            if (smaller > 0)
            {
                long limit = 1L << ((8 * smaller) - 1);
                Assert.Contains(sample, v => (v >> s) < -limit || (v >> s) >= limit); // a smaller width would not hold it
            }
        }
    }
}
