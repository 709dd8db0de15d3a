namespace EdgeMicro.Core.Device.Messaging
{
    /// <summary>
    /// The commands a device accepts on <c>edgemicro/&lt;deviceId&gt;/cmd</c>, the single definition used by the
    /// runtime (which handles them) and the host tools (which send them). A command is a JSON object
    /// <c>{"cmd":name,"id":n, ...fields}</c>; the device answers with a <c>command</c> event on <c>events</c> that
    /// echoes name and id (<see cref="Payloads.CommandReply"/>).
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

        /// <summary>Reply detail for a name that is not a command.</summary>
        public const string UnknownDetail = "unknown command";

        /// <summary>Every command name the runtime handles.</summary>
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
    }
}
