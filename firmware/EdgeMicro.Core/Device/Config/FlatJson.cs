namespace EdgeMicro.Core.Device.Config
{
    /// <summary>
    /// The JSON subset the device reads (configuration, update manifests, commands), parsed by hand because the
    /// nanoFramework v1 mscorlib has no JSON: ONE flat object whose values are strings (escapes \" \\ \/ \b \f \n \r
    /// \t \uXXXX), integers (no fraction or exponent, up to 18 digits), true, false, null, or arrays of int32.
    /// Duplicate keys, nesting and trailing garbage are errors (<see cref="DeviceFormatException"/>).
    /// </summary>
    public sealed partial class FlatJson
    {
        /// <summary>Value kind: string.</summary>
        public const int KindString = 1;

        /// <summary>Value kind: integer.</summary>
        public const int KindNumber = 2;

        /// <summary>Value kind: true or false.</summary>
        public const int KindBool = 3;

        /// <summary>Value kind: null.</summary>
        public const int KindNull = 4;

        /// <summary>Value kind: array of integers.</summary>
        public const int KindArray = 5;

        private const int MaxKeys = 64;
        private readonly string _text;
        private readonly string[] _keys = new string[MaxKeys];
        private readonly int[] _kinds = new int[MaxKeys];
        private readonly string[] _strings = new string[MaxKeys];
        private readonly long[] _numbers = new long[MaxKeys];
        private readonly int[][] _arrays = new int[MaxKeys][];
        private int _count;
        private int _at;

        private FlatJson(string text)
        {
            _text = text;
        }

        /// <summary>Gets the number of keys.</summary>
        public int Count
        {
            get { return _count; }
        }

        /// <summary>Parses UTF-8 bytes.</summary>
        /// <param name="data">Bytes.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <returns>The object.</returns>
        public static FlatJson Parse(byte[] data, int offset, int count)
        {
            string text = EdgeMicro.Core.Format.Utf8.Decode(data, offset, count);
            if (text == null)
            {
                throw new DeviceFormatException("not valid UTF-8");
            }

            return Parse(text);
        }

        /// <summary>Parses text.</summary>
        /// <param name="text">JSON text.</param>
        /// <returns>The object.</returns>
        public static FlatJson Parse(string text)
        {
            FlatJson j = new FlatJson(text);
            j.ParseObject();
            return j;
        }

        /// <summary>Gets the kind of a key's value, 0 when absent.</summary>
        /// <param name="key">Key.</param>
        /// <returns>A Kind constant or 0.</returns>
        public int KindOf(string key)
        {
            int i = IndexOf(key);
            return i < 0 ? 0 : _kinds[i];
        }

        /// <summary>Gets the key at an index.</summary>
        /// <param name="index">0..Count-1.</param>
        /// <returns>The key.</returns>
        public string KeyAt(int index)
        {
            return _keys[index];
        }

        /// <summary>Gets a string value.</summary>
        /// <param name="key">Key.</param>
        /// <param name="fallback">Returned when absent or null.</param>
        /// <returns>The value.</returns>
        public string GetString(string key, string fallback)
        {
            int i = Find(key, KindString);
            return i < 0 ? fallback : _strings[i];
        }

        /// <summary>Gets an integer value.</summary>
        /// <param name="key">Key.</param>
        /// <param name="fallback">Returned when absent or null.</param>
        /// <returns>The value.</returns>
        public long GetNumber(string key, long fallback)
        {
            int i = Find(key, KindNumber);
            return i < 0 ? fallback : _numbers[i];
        }

        /// <summary>Gets an integer value that must lie in a range.</summary>
        /// <param name="key">Key.</param>
        /// <param name="fallback">Returned when absent or null.</param>
        /// <param name="min">Smallest allowed.</param>
        /// <param name="max">Largest allowed.</param>
        /// <returns>The value.</returns>
        public int GetInt(string key, int fallback, int min, int max)
        {
            long v = GetNumber(key, fallback);
            if (v < min || v > max)
            {
                throw new DeviceFormatException("'" + key + "' must be in " + min.ToString() + ".." + max.ToString());
            }

            return (int)v;
        }

        /// <summary>Gets a boolean value.</summary>
        /// <param name="key">Key.</param>
        /// <param name="fallback">Returned when absent or null.</param>
        /// <returns>The value.</returns>
        public bool GetBool(string key, bool fallback)
        {
            int i = Find(key, KindBool);
            return i < 0 ? fallback : _numbers[i] != 0;
        }

        /// <summary>Gets an integer array value.</summary>
        /// <param name="key">Key.</param>
        /// <param name="fallback">Returned when absent or null.</param>
        /// <returns>The value.</returns>
        public int[] GetArray(string key, int[] fallback)
        {
            int i = Find(key, KindArray);
            return i < 0 ? fallback : _arrays[i];
        }

        private int IndexOf(string key)
        {
            for (int i = 0; i < _count; i++)
            {
                if (_keys[i] == key)
                {
                    return i;
                }
            }

            return -1;
        }

        private int Find(string key, int kind)
        {
            int i = IndexOf(key);
            if (i < 0 || _kinds[i] == KindNull)
            {
                return -1;
            }

            if (_kinds[i] != kind)
            {
                throw new DeviceFormatException("'" + key + "' has the wrong type");
            }

            return i;
        }
    }
}
