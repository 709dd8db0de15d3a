using System.Text;
using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Format;

namespace EdgeMicro.Core.Tests;

public sealed class Crc32Tests
{
    [Fact]
    public void Compute_WhenGivenTheStandardCheckString_ReturnsCbf43926()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Compute_WhenGivenNoBytes_ReturnsZero()
    {
        Assert.Equal(0u, Crc32.Compute(Array.Empty<byte>()));
    }

    [Fact]
    public void Update_WhenFedInPieces_EqualsTheWholeBufferCrc()
    {
        byte[] data = Enumerable.Range(0, 1000).Select(i => unchecked((byte)((i * 131) ^ (i >> 3)))).ToArray();

        uint running = Crc32.Initial;
        for (int at = 0; at < data.Length; at += 77)
        {
            running = Crc32.Update(running, data, at, Math.Min(77, data.Length - at));
        }

        Assert.Equal(Crc32.Compute(data), Crc32.Finish(running));
        Assert.Equal(Crc32.Compute(data, 100, 300), Crc32.Compute(data.Skip(100).Take(300).ToArray()));
    }

    [Fact]
    public void ByteWriter_WhenChecksumOnlyOverManyBuffers_EqualsTheBufferedCrc()
    {
        var buffered = new ByteWriter(false);
        var checksumOnly = new ByteWriter(true);
        for (int i = 0; i < 5000; i++)
        {
            buffered.WriteInt32(i * 7919);
            checksumOnly.WriteInt32(i * 7919);
        }

        Assert.Equal(Crc32.Compute(buffered.ToArray()), checksumOnly.Checksum());
        Assert.Equal(buffered.Checksum(), checksumOnly.Checksum());
        Assert.Equal(20000, checksumOnly.Length);
    }
}
