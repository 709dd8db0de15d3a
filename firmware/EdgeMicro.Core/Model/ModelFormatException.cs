using System;

namespace EdgeMicro.Core.Model
{
    /// <summary>
    /// A model blob, weight table or model definition is malformed or violates a limit. The message says what and
    /// where (section, layer, field, byte offset); nothing is partially loaded.
    /// </summary>
    public class ModelFormatException : Exception
    {
        /// <summary>Initializes a new instance of the <see cref="ModelFormatException"/> class.</summary>
        /// <param name="message">What is wrong and where.</param>
        public ModelFormatException(string message)
            : base(message)
        {
        }
    }
}
