namespace EdgeMicro.Core.Device.Messaging
{
    /// <summary>
    /// Writes one flat JSON object into a fixed buffer without allocating (ASCII digits written in place, strings
    /// escaped as they are copied). A payload that does not fit sets <see cref="Overflowed"/> and is not sent.
    /// </summary>
    public sealed class PayloadWriter
    {
        private readonly byte[] _buffer;
        private readonly byte[] _digits = new byte[20];
        private int _length;
        private bool _first;
        private bool _overflow;

        /// <summary>Initializes a new instance of the <see cref="PayloadWriter"/> class.</summary>
        /// <param name="capacity">Largest payload in bytes.</param>
        public PayloadWriter(int capacity)
        {
            _buffer = new byte[capacity];
        }

        /// <summary>Gets the buffer (the payload is its first <see cref="Length"/> bytes).</summary>
        public byte[] Buffer
        {
            get { return _buffer; }
        }

        /// <summary>Gets the payload length.</summary>
        public int Length
        {
            get { return _length; }
        }

        /// <summary>Gets a value indicating whether the payload did not fit.</summary>
        public bool Overflowed
        {
            get { return _overflow; }
        }

        /// <summary>Starts a new object.</summary>
        public void Begin()
        {
            _length = 0;
            _overflow = false;
            _first = true;
            Raw('{');
        }

        /// <summary>Closes the object.</summary>
        public void End()
        {
            Raw('}');
        }

        /// <summary>Writes an integer field.</summary>
        /// <param name="name">Field name (ASCII, no escaping needed).</param>
        /// <param name="value">Value.</param>
        public void Number(string name, long value)
        {
            Name(name);
            WriteNumber(value);
        }

        /// <summary>Writes a boolean field.</summary>
        /// <param name="name">Field name.</param>
        /// <param name="value">Value.</param>
        public void Bool(string name, bool value)
        {
            Name(name);
            Ascii(value ? "true" : "false");
        }

        /// <summary>Writes a string field (null writes JSON null).</summary>
        /// <param name="name">Field name.</param>
        /// <param name="value">Value.</param>
        public void Text(string name, string value)
        {
            Name(name);
            if (value == null)
            {
                Ascii("null");
                return;
            }

            Raw('"');
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c == '"' || c == '\\')
                {
                    Raw('\\');
                    Raw(c);
                }
                else if (c < ' ' || c > '~')
                {
                    // Everything outside printable ASCII as \uXXXX: valid JSON, and no UTF-8 encoder needed.
                    Ascii("\\u");
                    for (int s = 12; s >= 0; s -= 4)
                    {
                        Raw("0123456789abcdef"[(c >> s) & 15]);
                    }
                }
                else
                {
                    Raw(c);
                }
            }

            Raw('"');
        }

        /// <summary>Writes an integer array field.</summary>
        /// <param name="name">Field name.</param>
        /// <param name="values">Values.</param>
        /// <param name="count">How many of them.</param>
        public void Numbers(string name, int[] values, int count)
        {
            Name(name);
            Raw('[');
            for (int i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    Raw(',');
                }

                WriteNumber(values[i]);
            }

            Raw(']');
        }

        private void Name(string name)
        {
            if (!_first)
            {
                Raw(',');
            }

            _first = false;
            Raw('"');
            Ascii(name);
            Raw('"');
            Raw(':');
        }

        private void WriteNumber(long value)
        {
            if (value < 0)
            {
                Raw('-');
            }

            int n = 0;
            do
            {
                long digit = value % 10;
                _digits[n++] = (byte)('0' + (digit < 0 ? -digit : digit));
                value /= 10;
            }
            while (value != 0);
            while (n > 0)
            {
                Raw((char)_digits[--n]);
            }
        }

        private void Ascii(string s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                Raw(s[i]);
            }
        }

        private void Raw(char c)
        {
            if (_length < _buffer.Length)
            {
                _buffer[_length++] = (byte)c;
            }
            else
            {
                _overflow = true;
            }
        }
    }
}
