using System.Text;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Tests;

/// <summary>The core's own UTF-8 codec (nanoFramework v1 mscorlib has no System.Text.Encoding) against .NET's.</summary>
public sealed class Utf8Tests
{
    [Theory]
    [InlineData("")]
    [InlineData("digits")]
    [InlineData("Gr\u00f6\u00dfe \u00e9t\u00e9")]
    [InlineData("\u6f22\u5b57 \u0915\u093f")]
    [InlineData("smile \ud83d\ude42 end")]
    [InlineData("\u007f\u0080\u07ff\u0800\uffff")]
    public void Encode_WhenGivenText_MatchesDotNetAndDecodesBack(string text)
    {
        byte[] bytes = Utf8.Encode(text);

        Assert.Equal(Encoding.UTF8.GetBytes(text), bytes);
        Assert.Equal(text, Utf8.Decode(bytes, 0, bytes.Length));
    }

    [Theory]
    [InlineData("a\ud800b")]
    [InlineData("\udc00")]
    [InlineData("x\ud83d")]
    public void Encode_WhenGivenALoneSurrogate_WritesReplacementCharacterLikeDotNet(string text)
    {
        Assert.Equal(Encoding.UTF8.GetBytes(text), Utf8.Encode(text));
    }

    [Fact]
    public void Encode_WhenGivenRandomText_MatchesDotNet()
    {
        var r = new Random(5);
        for (int k = 0; k < 2000; k++)
        {
            string text = new(Enumerable.Range(0, r.Next(12)).Select(_ => (char)r.Next(r.Next(3) == 0 ? 0x10000 : 0x800)).ToArray());
            byte[] bytes = Utf8.Encode(text);

            Assert.Equal(Encoding.UTF8.GetBytes(text), bytes);
            Assert.Equal(Encoding.UTF8.GetString(bytes), Utf8.Decode(bytes, 0, bytes.Length));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x80 })]                   // lone continuation byte
    [InlineData(new byte[] { 0xC0, 0x80 })]             // overlong NUL
    [InlineData(new byte[] { 0xE0, 0x80, 0x80 })]       // overlong
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]       // encoded surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
    [InlineData(new byte[] { 0xF8, 0x88, 0x80, 0x80 })] // five-byte form
    [InlineData(new byte[] { 0x41, 0xE6, 0xBC })]       // truncated sequence
    [InlineData(new byte[] { 0xE6, 0x41, 0xA2 })]       // bad continuation
    [InlineData(new byte[] { 0xFF })]
    public void Decode_WhenBytesAreMalformed_ReturnsNull(byte[] bytes)
    {
        Assert.Null(Utf8.Decode(bytes, 0, bytes.Length));
    }

    [Fact]
    public void ReadString_WhenBytesAreMalformed_ThrowsModelFormatExceptionWithTheField()
    {
        byte[] data = { 2, 0, 0xC0, 0x80 };

        var e = Assert.Throws<ModelFormatException>(() => new ByteReader(data, 0, data.Length).ReadString("model id"));

        Assert.Equal("model id: not valid UTF-8 (at byte 2)", e.Message);
    }

    [Fact]
    public void Decode_WhenGivenAnOffset_ReadsOnlyThatRange()
    {
        byte[] data = { 0xFF, 0x68, 0xC3, 0xA9, 0xFF };

        Assert.Equal("h\u00e9", Utf8.Decode(data, 1, 3));
    }
}
