namespace EdgeMicro.Core.Device.Messaging
{
    /// <summary>Read access to the queued messages by index (0 = oldest).</summary>
    public sealed partial class Outbox
    {
        /// <summary>Gets a message's topic kind.</summary>
        /// <param name="index">Index (0 = oldest).</param>
        /// <returns>The kind.</returns>
        public int KindAt(int index)
        {
            return _kinds[index];
        }

        /// <summary>Gets a message's RETAIN flag.</summary>
        /// <param name="index">Index.</param>
        /// <returns>The flag.</returns>
        public bool RetainAt(int index)
        {
            return _retain[index];
        }

        /// <summary>Gets a message's buffer (payload = first <see cref="LengthAt"/> bytes).</summary>
        /// <param name="index">Index.</param>
        /// <returns>The buffer.</returns>
        public byte[] PayloadAt(int index)
        {
            return _payloads[index];
        }

        /// <summary>Gets a message's length.</summary>
        /// <param name="index">Index.</param>
        /// <returns>Bytes.</returns>
        public int LengthAt(int index)
        {
            return _lengths[index];
        }

        /// <summary>Gets a message's sequence number (0 for a message that is not kept).</summary>
        /// <param name="index">Index.</param>
        /// <returns>The number.</returns>
        public uint SequenceAt(int index)
        {
            return _sequences[index];
        }

        /// <summary>Gets the boot a message names.</summary>
        /// <param name="index">Index.</param>
        /// <returns>The boot.</returns>
        public long BootAt(int index)
        {
            return _boots[index];
        }
    }
}
