using EdgeMicro.Core.Device.Update;

namespace EdgeMicro.Core.Device.Messaging
{
    /// <summary>
    /// The MQTT topics of one device, the single definition used by firmware, virtual device and host tools:
    /// <code>
    /// edgemicro/&lt;deviceId&gt;/status          out, retained, JSON: firmware, model, uptime, memory, queue
    /// edgemicro/&lt;deviceId&gt;/stats           out, retained, binary: <see cref="EdgeMicro.Core.Stats.StatsFormat"/> reports
    /// edgemicro/&lt;deviceId&gt;/events          out, JSON: boot, model accepted/rejected (and why), rollback, command replies
    /// edgemicro/&lt;deviceId&gt;/results         out, JSON: one message per classified sample, and labels (data loop)
    /// edgemicro/&lt;deviceId&gt;/cmd             in:  <see cref="DeviceCommands"/>
    /// edgemicro/&lt;deviceId&gt;/model/manifest  in:  update manifest (id, version, size, CRC-32, HMAC-SHA256)
    /// edgemicro/&lt;deviceId&gt;/model/chunk     in:  blob bytes with offset (<see cref="UpdateMessages"/>)
    /// edgemicro/&lt;deviceId&gt;/model/commit    in:  all chunks sent: verify and activate
    /// </code>
    /// Host tools build every topic and filter from these constants; tests check that each filter the host subscribes
    /// to matches a topic the runtime publishes and that each topic the host publishes to is one the runtime handles.
    /// </summary>
    public sealed class TopicLayout
    {
        /// <summary>First topic level.</summary>
        public const string Root = "edgemicro";

        /// <summary>Outgoing kind: status.</summary>
        public const int Status = 0;

        /// <summary>Outgoing kind: stats.</summary>
        public const int Stats = 1;

        /// <summary>Outgoing kind: events.</summary>
        public const int Events = 2;

        /// <summary>Outgoing kind: results.</summary>
        public const int Results = 3;

        /// <summary>Incoming kind: command.</summary>
        public const int Command = 10;

        /// <summary>Incoming kind: update manifest.</summary>
        public const int Manifest = 11;

        /// <summary>Incoming kind: update chunk.</summary>
        public const int Chunk = 12;

        /// <summary>Incoming kind: update commit.</summary>
        public const int Commit = 13;

        /// <summary>Any device: the single-level wildcard for the device id level of a filter.</summary>
        public const string AnyDevice = "+";

        /// <summary>Status leaf (JSON, retained).</summary>
        public const string StatusLeaf = "status";

        /// <summary>Statistics leaf (binary <see cref="EdgeMicro.Core.Stats.StatsFormat"/> reports, retained).</summary>
        public const string StatsLeaf = "stats";

        /// <summary>Events leaf (JSON).</summary>
        public const string EventsLeaf = "events";

        /// <summary>Results leaf (JSON).</summary>
        public const string ResultsLeaf = "results";

        /// <summary>Leaf names, indexed by outgoing kind.</summary>
        public static readonly string[] OutgoingLeaves = new string[] { StatusLeaf, StatsLeaf, EventsLeaf, ResultsLeaf };

        /// <summary>The outgoing leaves whose payloads are JSON objects (all but <see cref="StatsLeaf"/>).</summary>
        public static readonly string[] JsonLeaves = new string[] { StatusLeaf, EventsLeaf, ResultsLeaf };

        /// <summary>Command leaf.</summary>
        public const string CommandLeaf = "cmd";

        /// <summary>Manifest leaf.</summary>
        public const string ManifestLeaf = "model/manifest";

        /// <summary>Chunk leaf.</summary>
        public const string ChunkLeaf = "model/chunk";

        /// <summary>Commit leaf.</summary>
        public const string CommitLeaf = "model/commit";

        /// <summary>Leaf filter of every model update leaf.</summary>
        public const string ModelLeafFilter = "model/#";

        private readonly string[] _outgoing = new string[4];
        private readonly string _command;
        private readonly string _manifest;
        private readonly string _chunk;
        private readonly string _commit;

        /// <summary>Initializes a new instance of the <see cref="TopicLayout"/> class (all strings built once).</summary>
        /// <param name="deviceId">Device id.</param>
        public TopicLayout(string deviceId)
        {
            DeviceId = deviceId;
            for (int i = 0; i < _outgoing.Length; i++)
            {
                _outgoing[i] = Of(deviceId, OutgoingLeaves[i]);
            }

            _command = Of(deviceId, CommandLeaf);
            _manifest = Of(deviceId, ManifestLeaf);
            _chunk = Of(deviceId, ChunkLeaf);
            _commit = Of(deviceId, CommitLeaf);
            CommandFilter = _command;
            ModelFilter = Of(deviceId, ModelLeafFilter);
        }

        /// <summary>Gets the device id.</summary>
        public string DeviceId { get; private set; }

        /// <summary>Gets the filter the device subscribes to for commands.</summary>
        public string CommandFilter { get; private set; }

        /// <summary>Gets the filter the device subscribes to for model updates.</summary>
        public string ModelFilter { get; private set; }

        /// <summary>Builds a topic.</summary>
        /// <param name="deviceId">Device id.</param>
        /// <param name="leaf">Leaf, e.g. "status" or "model/chunk".</param>
        /// <returns>edgemicro/deviceId/leaf.</returns>
        public static string Of(string deviceId, string leaf)
        {
            return Root + "/" + deviceId + "/" + leaf;
        }

        /// <summary>Gets the topic of an outgoing kind.</summary>
        /// <param name="kind"><see cref="Status"/>..<see cref="Results"/>.</param>
        /// <returns>The topic.</returns>
        public string Outgoing(int kind)
        {
            return _outgoing[kind];
        }

        /// <summary>Classifies an incoming topic of this device.</summary>
        /// <param name="topic">Topic name.</param>
        /// <returns>An incoming kind, or -1.</returns>
        public int Incoming(string topic)
        {
            if (topic == _command)
            {
                return Command;
            }

            if (topic == _chunk)
            {
                return Chunk;
            }

            if (topic == _manifest)
            {
                return Manifest;
            }

            return topic == _commit ? Commit : -1;
        }
    }
}
