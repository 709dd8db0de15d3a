using System.Security.Cryptography;
using System.Text;
using EdgeMicro.Core.Security;

namespace EdgeMicro.Device.Tests.Core;

public sealed class CryptoTests
{
    // FIPS 180-2 appendix B (SHA-256 examples) and the NIST "million a" vector.
    [Theory]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Sha256_WhenGivenFipsVectors_MatchesTheDigest(string message, string digest)
    {
        Assert.Equal(digest, Convert.ToHexStringLower(Sha256.Hash(Encoding.ASCII.GetBytes(message))));
    }

    [Fact]
    public void Sha256_WhenFedAMillionAInPieces_MatchesTheNistDigest()
    {
        var h = new Sha256();
        byte[] block = Encoding.ASCII.GetBytes(new string('a', 1000));
        for (int i = 0; i < 1000; i++)
        {
            h.Update(block, 0, block.Length);
        }

        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Convert.ToHexStringLower(h.Finish()));
    }

    [Fact]
    public void Sha256_WhenSplitAtRandomBoundaries_EqualsTheBclForEveryLengthUpTo300()
    {
        var r = new Random(3);
        var h = new Sha256();
        for (int n = 0; n <= 300; n++)
        {
            byte[] data = new byte[n];
            r.NextBytes(data);
            int at = 0;
            while (at < n)
            {
                int piece = Math.Min(n - at, r.Next(1, 70));
                h.Update(data, at, piece);
                at += piece;
            }

            Assert.Equal(SHA256.HashData(data), h.Finish());
        }
    }

    // RFC 4231 section 4 test cases 1-7 (case 5 compares the first 128 bits, as the RFC specifies).
    [Theory]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")]
    [InlineData("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")]
    [InlineData("0102030405060708090a0b0c0d0e0f10111213141516171819", "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd", "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")]
    [InlineData("0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e", "a3b6167473100ee06e0c796c2955552b")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e", "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")]
    public void HmacSha256_WhenGivenRfc4231Vectors_MatchesTheTag(string key, string data, string tag)
    {
        byte[] mac = HmacSha256.Compute(Convert.FromHexString(key), Convert.FromHexString(data));

        Assert.Equal(tag, Convert.ToHexStringLower(mac)[..tag.Length]);
    }

    [Fact]
    public void HmacSha256_WhenReusedAcrossMessagesInPieces_EqualsTheBcl()
    {
        var r = new Random(7);
        byte[] key = RandomNumberGenerator.GetBytes(32);
        var mac = new HmacSha256(key);
        for (int n = 0; n < 200; n += 13)
        {
            byte[] data = new byte[n];
            r.NextBytes(data);
            int third = n / 3;
            mac.Update(data, 0, third);
            mac.Update(data, third, n - third);

            Assert.Equal(HMACSHA256.HashData(key, data), mac.Finish());
        }
    }

    [Fact]
    public void FixedTimeEquals_WhenTagsDifferInLengthOrAnyByte_ReturnsFalse()
    {
        byte[] a = [1, 2, 3];

        Assert.True(HmacSha256.FixedTimeEquals(a, [1, 2, 3]));
        Assert.False(HmacSha256.FixedTimeEquals(a, [1, 2, 4]));
        Assert.False(HmacSha256.FixedTimeEquals(a, [1, 2]));
        Assert.False(HmacSha256.FixedTimeEquals(a, null!));
    }
}
