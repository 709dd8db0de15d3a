// HMAC-SHA256 (RFC 2104 / FIPS 198-1), incremental, over the portable Sha256.
//
// Why not nanoFramework's own: nanoFramework.System.Security.Cryptography (github.com/nanoframework/
// System.Security.Cryptography, System.Security.Cryptography/HMACSHA256.cs) does offer an HMACSHA256 class, but only
// one-shot: `byte[] ComputeHash(byte[] buffer)` and `static byte[] HashData(byte[] key, byte[] source)`, both backed by
// `extern static byte[] HashCore(byte[] key, byte[] source)` (InternalCall). So the whole model blob would have to sit
// in RAM for the call, it needs a firmware image built with that native assembly (the nuspec ties the package to a
// native version checksum), and it cannot run on the desktop twin. mscorlib (nanoFramework.CoreLibrary 1.17.x) has
// no cryptography. Hence this portable version: streamed chunk by chunk as an update arrives, tested against the
// RFC 4231 vectors on desktop, and the identical code runs on the device.
namespace EdgeMicro.Core.Security
{
    /// <summary>HMAC with SHA-256, fed in pieces; reusable for several messages with the same key.</summary>
    public sealed class HmacSha256
    {
        private readonly byte[] _innerKey = new byte[Sha256.BlockLength];
        private readonly byte[] _outerKey = new byte[Sha256.BlockLength];
        private readonly byte[] _innerDigest = new byte[Sha256.HashLength];
        private readonly Sha256 _hash = new Sha256();

        /// <summary>Initializes a new instance of the <see cref="HmacSha256"/> class.</summary>
        /// <param name="key">The key, any length (longer than 64 bytes is hashed first, as RFC 2104 says).</param>
        public HmacSha256(byte[] key)
        {
            byte[] k = key.Length > Sha256.BlockLength ? Sha256.Hash(key) : key;
            for (int i = 0; i < Sha256.BlockLength; i++)
            {
                byte b = i < k.Length ? k[i] : (byte)0;
                _innerKey[i] = (byte)(b ^ 0x36);
                _outerKey[i] = (byte)(b ^ 0x5c);
            }

            Reset();
        }

        /// <summary>Starts a new message with the same key.</summary>
        public void Reset()
        {
            _hash.Reset();
            _hash.Update(_innerKey, 0, Sha256.BlockLength);
        }

        /// <summary>Authenticates more message bytes.</summary>
        /// <param name="data">Source.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        public void Update(byte[] data, int offset, int count)
        {
            _hash.Update(data, offset, count);
        }

        /// <summary>Returns the 32-byte tag of the message so far and resets for the next message.</summary>
        /// <returns>The tag.</returns>
        public byte[] Finish()
        {
            _hash.Finish(_innerDigest, 0);
            _hash.Update(_outerKey, 0, Sha256.BlockLength);
            _hash.Update(_innerDigest, 0, Sha256.HashLength);
            byte[] tag = _hash.Finish();
            Reset();
            return tag;
        }

        /// <summary>Computes the tag of a whole buffer.</summary>
        /// <param name="key">Key.</param>
        /// <param name="data">Message.</param>
        /// <returns>32 bytes.</returns>
        public static byte[] Compute(byte[] key, byte[] data)
        {
            HmacSha256 mac = new HmacSha256(key);
            mac.Update(data, 0, data.Length);
            return mac.Finish();
        }

        /// <summary>Compares two tags in time independent of where they differ (no early exit).</summary>
        /// <param name="a">First tag.</param>
        /// <param name="b">Second tag.</param>
        /// <returns>True when both are non-null, of equal length and equal.</returns>
        public static bool FixedTimeEquals(byte[] a, byte[] b)
        {
            if (a == null || b == null || a.Length != b.Length)
            {
                return false;
            }

            int diff = 0;
            for (int i = 0; i < a.Length; i++)
            {
                diff |= a[i] ^ b[i];
            }

            return diff == 0;
        }
    }
}
