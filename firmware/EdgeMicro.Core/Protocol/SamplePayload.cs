using EdgeMicro.Core.Format;

namespace EdgeMicro.Core.Protocol
{
    /// <summary>
    /// The INFER request payload: a raw sample (Q(InputFractionBits) int32 values) packed as small as its values
    /// allow, losslessly. Little-endian:
    /// <code>
    /// offset size      field
    /// 0      2         feature count n
    /// 2      1         element width w: 1 (int8), 2 (int16) or 4 (int32)
    /// 3      1         shift s (0..31): raw[i] = value[i] &lt;&lt; s
    /// 4      w * n     values, signed, w bytes each
    /// </code>
    /// The sender picks s as the fewest trailing zero bits of any non-zero value (a model whose features are
    /// whole numbers, such as digits' 0..16 pixel counts in Q16, sends them as they were measured) and w as the
    /// smallest width that holds every shifted value: the 64 digits features take 68 bytes instead of 258.
    /// </summary>
    public static class SamplePayload
    {
        /// <summary>Bytes before the values.</summary>
        public const int HeaderLength = 4;

        /// <summary>Packs a raw sample.</summary>
        /// <param name="sample">The raw sample.</param>
        /// <returns>The payload bytes.</returns>
        public static byte[] Encode(int[] sample)
        {
            int shift = 31;
            bool anyNonZero = false;
            for (int i = 0; i < sample.Length; i++)
            {
                int v = sample[i];
                if (v != 0)
                {
                    anyNonZero = true;
                    int zeros = 0;
                    while (zeros < shift && ((v >> zeros) & 1) == 0)
                    {
                        zeros++;
                    }

                    shift = zeros;
                }
            }

            if (!anyNonZero)
            {
                shift = 0;
            }

            int width = 1;
            for (int i = 0; i < sample.Length; i++)
            {
                int v = sample[i] >> shift;
                if (v < -32768 || v > 32767)
                {
                    width = 4;
                }
                else if ((v < -128 || v > 127) && width < 2)
                {
                    width = 2;
                }
            }

            ByteWriter w = new ByteWriter(false);
            w.WriteInt16(sample.Length);
            w.WriteByte(width);
            w.WriteByte(shift);
            for (int i = 0; i < sample.Length; i++)
            {
                int v = sample[i] >> shift;
                if (width == 1)
                {
                    w.WriteByte(v & 0xFF);
                }
                else if (width == 2)
                {
                    w.WriteInt16(v);
                }
                else
                {
                    w.WriteInt32(v);
                }
            }

            return w.ToArray();
        }

        /// <summary>Unpacks a raw sample.</summary>
        /// <param name="payload">The payload bytes.</param>
        /// <returns>The raw sample.</returns>
        /// <exception cref="EdgeMicro.Core.Model.ModelFormatException">Malformed (width, shift, length, or a value that
        /// does not fit int32 after the shift).</exception>
        public static int[] Read(byte[] payload)
        {
            ByteReader r = new ByteReader(payload, 0, payload.Length);
            int n = r.ReadUInt16("feature count");
            int width = r.ReadByte("element width");
            int shift = r.ReadByte("shift");
            if (width != 1 && width != 2 && width != 4)
            {
                throw r.Error("sample element width " + width.ToString() + " is not 1, 2 or 4");
            }

            if (shift > 31)
            {
                throw r.Error("sample shift " + shift.ToString() + " exceeds 31");
            }

            if (n * width != r.Remaining)
            {
                throw r.Error("sample of " + n.ToString() + " features of " + width.ToString() + " bytes has " + r.Remaining.ToString() + " value bytes");
            }

            int[] sample = new int[n];
            for (int i = 0; i < n; i++)
            {
                int v = width == 1 ? r.ReadByte("feature") : width == 2 ? r.ReadInt16("feature") : r.ReadInt32("feature");
                v = width == 1 && v > 127 ? v - 256 : v;
                int raw = v << shift;
                if ((raw >> shift) != v)
                {
                    throw r.Error("feature " + i.ToString() + " overflows int32 after a shift of " + shift.ToString());
                }

                sample[i] = raw;
            }

            return sample;
        }
    }
}
