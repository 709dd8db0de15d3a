namespace EdgeMicro.Core.Format
{
    /// <summary>
    /// UTF-8 for model ids and class names without System.Text: nanoFramework v1's mscorlib has no Encoding (it ships
    /// in the separate nanoFramework.System.Text assembly, which the core does not reference). Encoding follows .NET
    /// (a lone surrogate becomes U+FFFD); decoding is strict (overlong forms, surrogate code points, values above
    /// U+10FFFF and truncated sequences are rejected), so decoded text always re-encodes to the same bytes.
    /// </summary>
    public static class Utf8
    {
        /// <summary>Encodes a string.</summary>
        /// <param name="s">The string (not null).</param>
        /// <returns>The UTF-8 bytes.</returns>
        public static byte[] Encode(string s)
        {
            int n = 0;
            for (int i = 0; i < s.Length; i++)
            {
                int c = s[i];
                if (c < 0x80)
                {
                    n += 1;
                }
                else if (c < 0x800)
                {
                    n += 2;
                }
                else if (IsPair(s, i))
                {
                    n += 4;
                    i++;
                }
                else
                {
                    n += 3;
                }
            }

            byte[] bytes = new byte[n];
            int at = 0;
            for (int i = 0; i < s.Length; i++)
            {
                int c = s[i];
                if (c < 0x80)
                {
                    bytes[at++] = (byte)c;
                }
                else if (c < 0x800)
                {
                    bytes[at++] = (byte)(0xC0 | (c >> 6));
                    bytes[at++] = (byte)(0x80 | (c & 0x3F));
                }
                else if (IsPair(s, i))
                {
                    int cp = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
                    i++;
                    bytes[at++] = (byte)(0xF0 | (cp >> 18));
                    bytes[at++] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                    bytes[at++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                    bytes[at++] = (byte)(0x80 | (cp & 0x3F));
                }
                else
                {
                    c = c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c;
                    bytes[at++] = (byte)(0xE0 | (c >> 12));
                    bytes[at++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                    bytes[at++] = (byte)(0x80 | (c & 0x3F));
                }
            }

            return bytes;
        }

        /// <summary>Decodes bytes strictly.</summary>
        /// <param name="data">Source.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <returns>The string, or null when the bytes are not well-formed UTF-8.</returns>
        public static string Decode(byte[] data, int offset, int count)
        {
            char[] chars = new char[count];
            int n = 0;
            int i = offset;
            int end = offset + count;
            while (i < end)
            {
                int b = data[i++];
                if (b < 0x80)
                {
                    chars[n++] = (char)b;
                    continue;
                }

                int more, cp, min;
                if ((b & 0xE0) == 0xC0)
                {
                    more = 1;
                    cp = b & 0x1F;
                    min = 0x80;
                }
                else if ((b & 0xF0) == 0xE0)
                {
                    more = 2;
                    cp = b & 0x0F;
                    min = 0x800;
                }
                else if ((b & 0xF8) == 0xF0)
                {
                    more = 3;
                    cp = b & 0x07;
                    min = 0x10000;
                }
                else
                {
                    return null;
                }

                if (more > end - i)
                {
                    return null;
                }

                for (int k = 0; k < more; k++)
                {
                    int next = data[i++];
                    if ((next & 0xC0) != 0x80)
                    {
                        return null;
                    }

                    cp = (cp << 6) | (next & 0x3F);
                }

                if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                {
                    return null;
                }

                if (cp >= 0x10000)
                {
                    cp -= 0x10000;
                    chars[n++] = (char)(0xD800 + (cp >> 10));
                    chars[n++] = (char)(0xDC00 + (cp & 0x3FF));
                }
                else
                {
                    chars[n++] = (char)cp;
                }
            }

            return new string(chars, 0, n);
        }

        private static bool IsPair(string s, int i)
        {
            int c = s[i];
            return c >= 0xD800 && c <= 0xDBFF && i + 1 < s.Length && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF;
        }
    }
}
