namespace EdgeMicro.Core.Device.Config
{
    /// <summary>Hexadecimal text for keys and tags (lower case out, either case in).</summary>
    public static class Hex
    {
        private const string Digits = "0123456789abcdef";

        /// <summary>Value of one hex digit.</summary>
        /// <param name="c">Character.</param>
        /// <returns>0..15, or -1 when not a hex digit.</returns>
        public static int Digit(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            if (c >= 'a' && c <= 'f')
            {
                return c - 'a' + 10;
            }

            if (c >= 'A' && c <= 'F')
            {
                return c - 'A' + 10;
            }

            return -1;
        }

        /// <summary>Decodes hex text.</summary>
        /// <param name="text">Even number of hex digits.</param>
        /// <returns>The bytes, or null when the text is not hex.</returns>
        public static byte[] Decode(string text)
        {
            if (text == null || (text.Length & 1) != 0)
            {
                return null;
            }

            byte[] bytes = new byte[text.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                int hi = Digit(text[2 * i]), lo = Digit(text[(2 * i) + 1]);
                if (hi < 0 || lo < 0)
                {
                    return null;
                }

                bytes[i] = (byte)((hi << 4) | lo);
            }

            return bytes;
        }

        /// <summary>Encodes bytes as lower-case hex.</summary>
        /// <param name="data">Bytes.</param>
        /// <returns>Text.</returns>
        public static string Encode(byte[] data)
        {
            char[] chars = new char[data.Length * 2];
            for (int i = 0; i < data.Length; i++)
            {
                chars[2 * i] = Digits[data[i] >> 4];
                chars[(2 * i) + 1] = Digits[data[i] & 15];
            }

            return new string(chars, 0, chars.Length);
        }
    }
}
