using EdgeMicro.Core.Format;

namespace EdgeMicro.Core.Stats
{
    /// <summary>
    /// Bounds-checked little-endian reader for statistics reports: the model-blob reader
    /// (<see cref="ByteReader"/>) with <see cref="StatsFormatException"/> as its error type.
    /// </summary>
    internal sealed class StatsReader : ByteReader
    {
        public StatsReader(byte[] data, int offset, int count)
            : base(data, offset, count)
        {
        }

        protected override System.Exception CreateError(string message)
        {
            return new StatsFormatException(message);
        }
    }
}
