namespace EdgeMicro.Core.Device.Messaging
{
    /// <summary>
    /// The commands a device accepts on <c>edgemicro/&lt;deviceId&gt;/cmd</c>, the single definition used by the
    /// runtime (which handles them) and the host tools (which send them). A command is a JSON object
    /// <c>{"cmd":name,"id":n, ...fields}</c>; the device answers with a <c>command</c> event on <c>events</c> that
    /// echoes name and id (<see cref="Payloads.CommandReply"/>), except for <see cref="Ack"/>, which is never answered
    /// (an answer would be one more message to acknowledge).
    /// <para>
    /// End-to-end delivery: the host (<c>edgemicro stats pull</c>) acknowledges what it stored, once its database
    /// transaction committed, with <see cref="WriteAck"/> (the messages of one boot with seq in [from, to]) and
    /// <see cref="WriteStatsAck"/> (one statistics window, by report sequence and the report's trailing CRC-32). The
    /// device keeps the messages and the window until then and sends them again after a reconnection or when no
    /// acknowledgement came within <c>ack_timeout_ms</c>.
    /// </para>
    /// </summary>
    public static class DeviceCommands
    {
        /// <summary>Clear the statistics window without reporting it.</summary>
        public const string ResetStats = "reset-stats";

        /// <summary>Publish the statistics of the window on <c>stats</c> and start a new one.</summary>
        public const string PullStats = "pull-stats";

        /// <summary>Swap active and previous model.</summary>
        public const string Rollback = "rollback";

        /// <summary>Take a sample now.</summary>
        public const string SampleNow = "sample-now";

        /// <summary>Change the sampling period (field <see cref="FieldPeriod"/>, 1..86400000 ms).</summary>
        public const string SetPeriod = "set-period";

        /// <summary>Field of <see cref="SetPeriod"/> with the new period in milliseconds.</summary>
        public const string FieldPeriod = "period_ms";

        /// <summary>The host stored messages or a statistics window: drop them from the outbox (never answered).</summary>
        public const string Ack = "ack";

        /// <summary>Field of <see cref="Ack"/>: first acknowledged seq (with <see cref="PayloadFields.Boot"/>).</summary>
        public const string FieldFrom = "from";

        /// <summary>Field of <see cref="Ack"/>: last acknowledged seq (inclusive).</summary>
        public const string FieldTo = "to";

        /// <summary>Field of <see cref="Ack"/>: report sequence of an acknowledged statistics window.</summary>
        public const string FieldWindow = "window";

        /// <summary>Field of <see cref="Ack"/>: the acknowledged report's trailing CRC-32 (its last four bytes, little-endian).</summary>
        public const string FieldCrc = "crc";

        /// <summary>Reply detail for a name that is not a command.</summary>
        public const string UnknownDetail = "unknown command";

        /// <summary>Every command name the runtime handles and answers (<see cref="Ack"/>, sent by the puller, is not answered).</summary>
        public static readonly string[] All = new string[] { ResetStats, PullStats, Rollback, SampleNow, SetPeriod };

        /// <summary>Tells whether a name is one of <see cref="All"/>.</summary>
        /// <param name="name">Command name.</param>
        /// <returns>True for a known command.</returns>
        public static bool IsKnown(string name)
        {
            for (int i = 0; i < All.Length; i++)
            {
                if (All[i] == name)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Writes a command message.</summary>
        /// <param name="w">Writer.</param>
        /// <param name="name">Command name (one of <see cref="All"/>).</param>
        /// <param name="id">Command id the reply echoes.</param>
        /// <param name="periodMs">New period for <see cref="SetPeriod"/>; ignored (not written) for other commands.</param>
        public static void Write(PayloadWriter w, string name, long id, long periodMs)
        {
            w.Begin();
            w.Text(PayloadFields.Command, name);
            w.Number(PayloadFields.CommandId, id);
            if (name == SetPeriod)
            {
                w.Number(FieldPeriod, periodMs);
            }

            w.End();
        }
    
        /// <summary>Writes an acknowledgement of the messages of one boot with seq in [from, to].</summary>
        /// <param name="w">Writer.</param>
        /// <param name="boot">Boot the messages came from.</param>
        /// <param name="from">First seq.</param>
        /// <param name="to">Last seq (inclusive).</param>
        public static void WriteAck(PayloadWriter w, long boot, long from, long to)
        {
            w.Begin();
            w.Text(PayloadFields.Command, Ack);
            w.Number(PayloadFields.CommandId, 0);
            w.Number(PayloadFields.Boot, boot);
            w.Number(FieldFrom, from);
            w.Number(FieldTo, to);
            w.End();
        }

        /// <summary>Writes an acknowledgement of one statistics window.</summary>
        /// <param name="w">Writer.</param>
        /// <param name="window">Report sequence.</param>
        /// <param name="crc">The report's trailing CRC-32.</param>
        public static void WriteStatsAck(PayloadWriter w, long window, long crc)
        {
            w.Begin();
            w.Text(PayloadFields.Command, Ack);
            w.Number(PayloadFields.CommandId, 0);
            w.Number(FieldWindow, window);
            w.Number(FieldCrc, crc);
            w.End();
        }
    }
}
