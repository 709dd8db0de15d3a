// SHA-256 (FIPS 180-4), incremental, in plain uint arithmetic: nanoFramework v1's mscorlib has no hashing at all.
// The buffers (64-word schedule, 64-byte block, 8-word state) are allocated once per instance; Update allocates nothing.
// unchecked: the desktop build compiles with overflow checks, and SHA-256 additions are modulo 2^32 by definition
// (nanoCLR wraps silently either way).
namespace EdgeMicro.Core.Security
{
    /// <summary>SHA-256 message digest (FIPS 180-4), fed in pieces.</summary>
    public sealed class Sha256
    {
        /// <summary>Digest length in bytes.</summary>
        public const int HashLength = 32;

        /// <summary>Block length in bytes.</summary>
        public const int BlockLength = 64;

        private static readonly uint[] K = new uint[]
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };

        private readonly uint[] _state = new uint[8];
        private readonly uint[] _schedule = new uint[64];
        private readonly byte[] _block = new byte[BlockLength];
        private int _fill;
        private long _totalBytes;

        /// <summary>Initializes a new instance of the <see cref="Sha256"/> class, ready for a new message.</summary>
        public Sha256()
        {
            Reset();
        }

        /// <summary>Starts a new message.</summary>
        public void Reset()
        {
            _state[0] = 0x6a09e667;
            _state[1] = 0xbb67ae85;
            _state[2] = 0x3c6ef372;
            _state[3] = 0xa54ff53a;
            _state[4] = 0x510e527f;
            _state[5] = 0x9b05688c;
            _state[6] = 0x1f83d9ab;
            _state[7] = 0x5be0cd19;
            _fill = 0;
            _totalBytes = 0;
        }

        /// <summary>Hashes more message bytes.</summary>
        /// <param name="data">Source.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        public void Update(byte[] data, int offset, int count)
        {
            _totalBytes += count;
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                _block[_fill++] = data[i];
                if (_fill == BlockLength)
                {
                    Compress();
                    _fill = 0;
                }
            }
        }

        /// <summary>Pads, writes the 32-byte digest and resets for the next message.</summary>
        /// <param name="output">Destination.</param>
        /// <param name="offset">Where the digest starts.</param>
        public void Finish(byte[] output, int offset)
        {
            long bits = _totalBytes * 8;
            _block[_fill++] = 0x80;
            if (_fill > BlockLength - 8)
            {
                while (_fill < BlockLength)
                {
                    _block[_fill++] = 0;
                }

                Compress();
                _fill = 0;
            }

            while (_fill < BlockLength - 8)
            {
                _block[_fill++] = 0;
            }

            for (int i = 7; i >= 0; i--)
            {
                _block[_fill++] = unchecked((byte)(bits >> (i * 8)));
            }

            Compress();
            for (int i = 0; i < 8; i++)
            {
                uint v = _state[i];
                output[offset + (i * 4)] = unchecked((byte)(v >> 24));
                output[offset + (i * 4) + 1] = unchecked((byte)(v >> 16));
                output[offset + (i * 4) + 2] = unchecked((byte)(v >> 8));
                output[offset + (i * 4) + 3] = unchecked((byte)v);
            }

            Reset();
        }

        /// <summary>Pads and returns the digest, then resets.</summary>
        /// <returns>32 bytes.</returns>
        public byte[] Finish()
        {
            byte[] digest = new byte[HashLength];
            Finish(digest, 0);
            return digest;
        }

        /// <summary>Hashes a whole buffer.</summary>
        /// <param name="data">Message.</param>
        /// <returns>32 bytes.</returns>
        public static byte[] Hash(byte[] data)
        {
            Sha256 h = new Sha256();
            h.Update(data, 0, data.Length);
            return h.Finish();
        }

        private void Compress()
        {
            unchecked
            {
                uint[] w = _schedule;
                byte[] b = _block;
                for (int t = 0; t < 16; t++)
                {
                    int j = t * 4;
                    w[t] = ((uint)b[j] << 24) | ((uint)b[j + 1] << 16) | ((uint)b[j + 2] << 8) | b[j + 3];
                }

                for (int t = 16; t < 64; t++)
                {
                    uint x = w[t - 15], y = w[t - 2];
                    uint s0 = ((x >> 7) | (x << 25)) ^ ((x >> 18) | (x << 14)) ^ (x >> 3);
                    uint s1 = ((y >> 17) | (y << 15)) ^ ((y >> 19) | (y << 13)) ^ (y >> 10);
                    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
                }

                uint a = _state[0], bb = _state[1], c = _state[2], d = _state[3];
                uint e = _state[4], f = _state[5], g = _state[6], h = _state[7];
                for (int t = 0; t < 64; t++)
                {
                    uint sum1 = ((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7));
                    uint ch = (e & f) ^ (~e & g);
                    uint t1 = h + sum1 + ch + K[t] + w[t];
                    uint sum0 = ((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10));
                    uint maj = (a & bb) ^ (a & c) ^ (bb & c);
                    uint t2 = sum0 + maj;
                    h = g;
                    g = f;
                    f = e;
                    e = d + t1;
                    d = c;
                    c = bb;
                    bb = a;
                    a = t1 + t2;
                }

                _state[0] += a;
                _state[1] += bb;
                _state[2] += c;
                _state[3] += d;
                _state[4] += e;
                _state[5] += f;
                _state[6] += g;
                _state[7] += h;
            }
        }
    }
}
