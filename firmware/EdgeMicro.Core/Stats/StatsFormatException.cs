using System;

namespace EdgeMicro.Core.Stats
{
    /// <summary>
    /// A statistics report is malformed (bad magic, version, CRC, dimension, truncation, trailing bytes) or two
    /// statistics cannot be merged. The message says what and where; nothing is partially returned.
    /// </summary>
    public class StatsFormatException : Exception
    {
        /// <summary>Initializes a new instance of the <see cref="StatsFormatException"/> class.</summary>
        /// <param name="message">What is wrong and where.</param>
        public StatsFormatException(string message)
            : base(message)
        {
        }
    }
}
