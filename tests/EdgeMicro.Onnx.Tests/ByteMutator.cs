namespace EdgeMicro.Onnx.Tests;

/// <summary>Byte-level mutations of serialized models: bit flips, overwrites, truncation, splicing, absurd varints.</summary>
internal static class ByteMutator
{
    /// <summary>Values written as varints into size/count/dim positions.</summary>
    public static readonly long[] AbsurdValues =
    [
        0, 1, 2, 3, -1, -2, 7, 64, 255, 1L << 16, (1L << 24) - 1, 1L << 24, (1L << 24) + 1,
        int.MaxValue, 1L << 31, 1L << 32, 1L << 40, 1L << 62, long.MaxValue, long.MinValue,
    ];

    /// <summary>Applies one random byte-level mutation.</summary>
    /// <param name="bytes">Original model.</param>
    /// <param name="corpus">Other models to splice from.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="description">What was done.</param>
    /// <returns>The mutated bytes.</returns>
    public static byte[] Mutate(byte[] bytes, byte[][] corpus, Random rng, out string description)
    {
        var data = (byte[])bytes.Clone();
        switch (rng.Next(5))
        {
            case 0:
                int flips = 1 + rng.Next(8);
                for (int i = 0; i < flips; i++)
                {
                    data[rng.Next(data.Length)] ^= (byte)(1 << rng.Next(8));
                }

                description = $"{flips} bit flips";
                return data;
            case 1:
                int at = rng.Next(data.Length), count = 1 + rng.Next(Math.Min(16, data.Length - at));
                byte[] fills = [0x00, 0xFF, 0x80, 0x7F, (byte)rng.Next(256)];
                byte fill = fills[rng.Next(fills.Length)];
                for (int i = at; i < at + count; i++)
                {
                    data[i] = rng.Next(2) == 0 ? fill : (byte)rng.Next(256);
                }

                description = $"overwrite {count} bytes at {at}";
                return data;
            case 2:
                int cut = rng.Next(data.Length);
                description = $"truncate at {cut}";
                return data[..cut];
            case 3:
                byte[] donor = corpus[rng.Next(corpus.Length)];
                int from = rng.Next(donor.Length), length = rng.Next(Math.Min(512, donor.Length - from) + 1);
                int to = rng.Next(data.Length), replace = rng.Next(Math.Min(512, data.Length - to) + 1);
                description = $"splice {length} donor bytes at {to} replacing {replace}";
                return [.. data[..to], .. donor.AsSpan(from, length), .. data[(to + replace)..]];
            default:
                return AbsurdVarint(data, rng, out description);
        }
    }

    /// <summary>Replaces a varint (a field value or a length prefix) found by walking the wire format.</summary>
    private static byte[] AbsurdVarint(byte[] data, Random rng, out string description)
    {
        var sites = new List<(int Start, int End)>();
        Scan(data, 0, data.Length, sites, 0);
        if (sites.Count == 0)
        {
            description = "no varint site";
            return data;
        }

        (int start, int end) = sites[rng.Next(sites.Count)];
        long value = AbsurdValues[rng.Next(AbsurdValues.Length)];
        description = $"varint at {start} := {value}";
        return [.. data[..start], .. EncodeVarint(value), .. data[end..]];
    }

    /// <summary>Encodes a protobuf varint (negative values as 10 bytes, like int64 fields).</summary>
    /// <param name="value">Value.</param>
    /// <returns>The bytes.</returns>
    public static byte[] EncodeVarint(long value)
    {
        var bytes = new List<byte>();
        ulong v = unchecked((ulong)value);
        do
        {
            byte b = (byte)(v & 0x7F);
            v >>= 7;
            bytes.Add(v != 0 ? (byte)(b | 0x80) : b);
        }
        while (v != 0);
        return [.. bytes];
    }

    private static bool Scan(byte[] data, int pos, int end, List<(int, int)> sites, int depth)
    {
        var found = new List<(int, int)>();
        while (pos < end)
        {
            if (!ReadVarint(data, ref pos, end, out ulong tag))
            {
                return false;
            }

            int valueStart = pos;
            switch (tag & 7)
            {
                case 0:
                    if (!ReadVarint(data, ref pos, end, out _))
                    {
                        return false;
                    }

                    found.Add((valueStart, pos));
                    break;
                case 1:
                    pos += 8;
                    break;
                case 5:
                    pos += 4;
                    break;
                case 2:
                    if (!ReadVarint(data, ref pos, end, out ulong length) || length > (ulong)(end - pos))
                    {
                        return false;
                    }

                    found.Add((valueStart, pos));
                    if (depth < 8)
                    {
                        Scan(data, pos, pos + (int)length, found, depth + 1);
                    }

                    pos += (int)length;
                    break;
                default:
                    return false;
            }
        }

        if (pos == end)
        {
            sites.AddRange(found);
        }

        return pos == end;
    }

    private static bool ReadVarint(byte[] data, ref int pos, int end, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && pos < end; shift += 7)
        {
            byte b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
