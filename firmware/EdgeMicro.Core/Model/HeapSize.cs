namespace EdgeMicro.Core.Model
{
    /// <summary>
    /// Managed-heap bytes of objects and arrays on the nanoFramework interpreter (32-bit ESP32 build), the one memory
    /// model the core's <c>HeapBytes</c> figures use. nanoCLR allocates in 12-byte heap blocks
    /// (<c>CLR_RT_HeapBlock</c>): an object takes one header block plus one block per instance field whatever the
    /// field's type; an array takes a 20-byte header (<c>CLR_RT_HeapBlock_Array</c>) plus its elements (references
    /// and strings as 12-byte blocks), rounded up to whole blocks. Static readonly arrays of a compiled-in table are
    /// heap arrays too (copied from the assembly at type initialization).
    /// </summary>
    public static class HeapSize
    {
        /// <summary>Bytes of one heap block.</summary>
        public const int Block = 12;

        /// <summary>Header bytes of an array.</summary>
        public const int ArrayHeader = 20;

        /// <summary>Bytes of an object with the given number of instance fields.</summary>
        /// <param name="fields">Instance fields (auto-properties have one backing field each).</param>
        /// <returns>Bytes.</returns>
        public static int Object(int fields)
        {
            return (1 + fields) * Block;
        }

        /// <summary>Bytes of an array.</summary>
        /// <param name="length">Elements.</param>
        /// <param name="elementBytes">Bytes per element (1 sbyte/bool, 2 short, 4 int, 8 long, 12 reference).</param>
        /// <returns>Bytes.</returns>
        public static int Array(int length, int elementBytes)
        {
            int raw = ArrayHeader + (length * elementBytes);
            return ((raw + Block - 1) / Block) * Block;
        }

        /// <summary>Bytes of an sbyte array (0 for null).</summary>
        /// <param name="a">The array.</param>
        /// <returns>Bytes.</returns>
        public static int Of(sbyte[] a)
        {
            return a == null ? 0 : Array(a.Length, 1);
        }

        /// <summary>Bytes of a bool array (0 for null).</summary>
        /// <param name="a">The array.</param>
        /// <returns>Bytes.</returns>
        public static int Of(bool[] a)
        {
            return a == null ? 0 : Array(a.Length, 1);
        }

        /// <summary>Bytes of a short array (0 for null).</summary>
        /// <param name="a">The array.</param>
        /// <returns>Bytes.</returns>
        public static int Of(short[] a)
        {
            return a == null ? 0 : Array(a.Length, 2);
        }

        /// <summary>Bytes of an int array (0 for null).</summary>
        /// <param name="a">The array.</param>
        /// <returns>Bytes.</returns>
        public static int Of(int[] a)
        {
            return a == null ? 0 : Array(a.Length, 4);
        }

        /// <summary>Bytes of a uint array (0 for null).</summary>
        /// <param name="a">The array.</param>
        /// <returns>Bytes.</returns>
        public static int Of(uint[] a)
        {
            return a == null ? 0 : Array(a.Length, 4);
        }

        /// <summary>Bytes of a long array (0 for null).</summary>
        /// <param name="a">The array.</param>
        /// <returns>Bytes.</returns>
        public static int Of(long[] a)
        {
            return a == null ? 0 : Array(a.Length, 8);
        }

        /// <summary>Bytes of a string (0 for null): one block of header plus its UTF-8 bytes and terminator.</summary>
        /// <param name="s">The string.</param>
        /// <returns>Bytes.</returns>
        public static int Of(string s)
        {
            if (s == null)
            {
                return 0;
            }

            int raw = Block + s.Length + 1;
            return ((raw + Block - 1) / Block) * Block;
        }

        /// <summary>Bytes of a string array and its strings (0 for null).</summary>
        /// <param name="a">The array.</param>
        /// <returns>Bytes.</returns>
        public static int Of(string[] a)
        {
            if (a == null)
            {
                return 0;
            }

            int bytes = Array(a.Length, Block);
            for (int i = 0; i < a.Length; i++)
            {
                bytes += Of(a[i]);
            }

            return bytes;
        }
    }
}
