using EdgeMicro.Core.Device.Update;
using EdgeMicro.Core.Inference;

namespace EdgeMicro.Core.Stats
{
    /// <summary>
    /// Connects the device runtime to <see cref="DeviceStatistics"/>: keeps the statistics of the running model
    /// (a new instance, with its own window numbering, whenever an update or rollback switches the model version),
    /// forwards every inference and label to it, and holds at most one serialized report waiting to be published.
    /// A pull (<see cref="RequestPull"/>: command <c>pull-stats</c>, every <c>stats_every_samples</c> samples, or a
    /// model switch) serializes the window and starts the next one; while a report is still waiting (link down),
    /// further pulls are deferred, so the window simply grows and nothing is lost. A periodic or commanded pull writes
    /// into the statistics' preallocated <see cref="ReportBuffer"/> and allocates nothing (<see cref="Pending"/> is that
    /// buffer, <see cref="PendingLength"/> its report); only the rare cases (a model switch, a second window saved at
    /// shutdown, a serial pull, a restored report) use arrays of their own. Not thread-safe.
    /// </summary>
    public sealed class RuntimeStatistics
    {
        private readonly string _deviceId;
        private readonly uint _seed;
        private readonly int _bufferSlots;
        private readonly int _reservoirSlots;
        private DeviceStatistics _current;
        private readonly byte[] _deviceIdUtf8;
        private byte[] _pending;
        private int _pendingLength;
        private byte[] _queued;

        /// <summary>Initializes a new instance of the <see cref="RuntimeStatistics"/> class with the default sample buffer.</summary>
        /// <param name="deviceId">Device id written into the reports.</param>
        public RuntimeStatistics(string deviceId)
            : this(deviceId, DeviceStatistics.DefaultCapacity, DeviceStatistics.DefaultReservoirSlots)
        {
        }

        /// <summary>Initializes a new instance of the <see cref="RuntimeStatistics"/> class.</summary>
        /// <param name="deviceId">Device id written into the reports.</param>
        /// <param name="bufferSlots">Sample buffer slots (device.json sample_buffer_slots).</param>
        /// <param name="reservoirSlots">Of which uniform reservoir slots (sample_buffer_reservoir_slots).</param>
        public RuntimeStatistics(string deviceId, int bufferSlots, int reservoirSlots)
        {
            _deviceId = deviceId;
            _seed = SeedOf(deviceId);
            _bufferSlots = bufferSlots;
            _reservoirSlots = reservoirSlots;
            _deviceIdUtf8 = EdgeMicro.Core.Format.Utf8.Encode(deviceId == null ? string.Empty : deviceId);
        }

        /// <summary>Gets the statistics of the running model, or null before the first model.</summary>
        public DeviceStatistics Current
        {
            get { return _current; }
        }

        /// <summary>Gets the buffer holding the report waiting to be published (its first <see cref="PendingLength"/>
        /// bytes), or null.</summary>
        public byte[] Pending
        {
            get { return _pending; }
        }

        /// <summary>Gets the length of the waiting report in <see cref="Pending"/>.</summary>
        public int PendingLength
        {
            get { return _pending == null ? 0 : _pendingLength; }
        }

        /// <summary>Gets a number that changes whenever another report becomes the waiting one (the buffer is reused,
        /// so the array alone does not identify a report).</summary>
        public int PendingId { get; private set; }

        /// <summary>Gets the number of reports published.</summary>
        public int Published { get; private set; }

        /// <summary>Gets the number of windows dropped on a model switch because a report was still waiting.</summary>
        public int Dropped { get; private set; }

        /// <summary>
        /// Switches to the statistics of a model (no-op for the same id and version); the old model's non-empty window
        /// becomes the waiting report, or is dropped (counted in <see cref="Dropped"/>) when one is still waiting.
        /// </summary>
        /// <param name="model">The model now running.</param>
        public void SetModel(ActiveModel model)
        {
            DeviceStatistics old = _current;
            if (old != null && model.Model.ModelId == CurrentModelId && model.Model.ModelVersion == CurrentModelVersion)
            {
                return;
            }

            if (old != null && (old.Counters.InferenceCount > 0 || old.Counters.LabelCount > 0))
            {
                if (_pending == null)
                {
                    SetPending(old.Pull(_deviceId));
                }
                else
                {
                    Dropped++;
                }
            }

            if (model.Blob != null)
            {
                _current = new DeviceStatistics(model.Model, model.Blob.FeatureBinEdges, model.Blob.EdgesPerFeature, _bufferSlots, _reservoirSlots, _seed);
            }
            else
            {
                _current = new DeviceStatistics(model.Model, null, 0, _bufferSlots, _reservoirSlots, _seed);
            }

            CurrentModelId = model.Model.ModelId;
            CurrentModelVersion = model.Model.ModelVersion;
        }

        /// <summary>Gets the model id of the current statistics.</summary>
        public string CurrentModelId { get; private set; }

        /// <summary>Gets the model version of the current statistics.</summary>
        public uint CurrentModelVersion { get; private set; }

        /// <summary>Counts one inference (called by the runtime after each classification; allocates nothing).</summary>
        /// <param name="sample">The raw sample (FeatureCount values, Q(InputFractionBits)).</param>
        /// <param name="result">The classifier holding class, runner-up, confidence and margin of this sample.</param>
        /// <param name="sequence">Device-wide sample sequence number.</param>
        /// <param name="timestampMs">Device time in milliseconds.</param>
        public void OnInference(int[] sample, Classifier result, uint sequence, long timestampMs)
        {
            if (_current != null)
            {
                _current.OnInference(sample, result, sequence, timestampMs);
            }
        }

        /// <summary>Counts a ground-truth label a person gave (label button or command) for a sample.</summary>
        /// <param name="sequence">Sequence number of the labelled sample.</param>
        /// <param name="trueClass">The true class.</param>
        /// <param name="predictedClass">What the model predicted for it.</param>
        public void OnLabel(uint sequence, int trueClass, int predictedClass)
        {
            if (_current != null)
            {
                _current.OnLabel(sequence, trueClass, predictedClass);
            }
        }

        /// <summary>Returns and clears the pending drift alarm of the current statistics.</summary>
        /// <returns>True when an alarm was raised since the last call.</returns>
        public bool TakeDriftAlarm()
        {
            return _current != null && _current.TakeDriftAlarm();
        }

        /// <summary>Serializes the current window and starts the next one, unless a report is still waiting.</summary>
        /// <returns>True when a new report was made.</returns>
        public bool RequestPull()
        {
            if (_current == null || _pending != null)
            {
                return false;
            }

            if (_deviceIdUtf8.Length <= ReportBuffer.MaxDeviceIdBytes)
            {
                int length = _current.WriteWindow(_deviceIdUtf8, Boot, DroppedResults, DroppedEvents, Dropped);
                SetPending(_current.Report.Bytes, length);
            }
            else
            {
                SetPending(PullCurrent());
            }

            return true;
        }

        /// <summary>
        /// Takes a report for a pull over another channel (serial GET_STATS): the waiting report if any, else the
        /// current window (which then starts anew). Counted as published.
        /// </summary>
        /// <returns>The report bytes, or null before the first model.</returns>
        public byte[] TakeReport()
        {
            if (_pending == null && !RequestPull())
            {
                return null;
            }

            byte[] report = Exact(_pending, _pendingLength);
            MarkPublished();
            return report;
        }

        /// <summary>Marks the waiting report as published.</summary>
        public void MarkPublished()
        {
            if (_pending != null)
            {
                SetPending(_queued);
                _queued = null;
                Published++;
            }
        }

        /// <summary>
        /// Gets the window in progress as a report for saving at shutdown, or null when it is empty (it would be lost
        /// with RAM otherwise); the window starts anew. The report waits behind <see cref="Pending"/> once restored.
        /// </summary>
        /// <returns>The report bytes, or null.</returns>
        public byte[] TakeWindowForShutdown()
        {
            if (_current == null || (_current.Counters.InferenceCount == 0 && _current.Counters.LabelCount == 0))
            {
                return _queued;
            }

            if (_pending == null)
            {
                SetPending(PullCurrent());
                return _queued;
            }

            if (_queued != null)
            {
                Dropped++;
            }

            _queued = PullCurrent();
            return _queued;
        }

        /// <summary>Makes a report saved before a reboot the waiting one again (it is re-sent until the host acknowledges it).</summary>
        /// <param name="report">The saved report bytes.</param>
        /// <returns>False when the bytes are not a valid report (nothing changes); true otherwise (also when one is already waiting).</returns>
        public bool RestorePending(byte[] report)
        {
            try
            {
                StatsFormat.Read(report, 0, report.Length);
            }
            catch (StatsFormatException)
            {
                return false;
            }

            if (_pending == null)
            {
                SetPending(report);
            }
            else if (_queued == null)
            {
                _queued = report;
            }
            else
            {
                Dropped++;
            }

            return true;
        }

        /// <summary>Clears the current window without reporting it (command reset-stats).</summary>
        public void Reset()
        {
            if (_current != null)
            {
                _current.ResetWindow();
            }
        }

        /// <summary>Gets or sets the boot written into every report (delivery section).</summary>
        public long Boot { get; set; }

        /// <summary>Gets or sets the results and labels dropped by the outbox, written into every report.</summary>
        public long DroppedResults { get; set; }

        /// <summary>Gets or sets the events dropped by the outbox, written into every report.</summary>
        public long DroppedEvents { get; set; }

        private static byte[] Exact(byte[] bytes, int length)
        {
            if (bytes == null || bytes.Length == length)
            {
                return bytes;
            }

            byte[] copy = new byte[length];
            System.Array.Copy(bytes, copy, length);
            return copy;
        }

        private void SetPending(byte[] report)
        {
            SetPending(report, report == null ? 0 : report.Length);
        }

        private void SetPending(byte[] report, int length)
        {
            _pending = report;
            _pendingLength = length;
            if (report != null)
            {
                PendingId++;
            }
        }

        private byte[] PullCurrent()
        {
            StatsReport report = _current.CreateReport(_deviceId, true, true);
            report.HasDelivery = true;
            report.Boot = Boot;
            report.DroppedResults = DroppedResults;
            report.DroppedEvents = DroppedEvents;
            report.DroppedWindows = Dropped;
            byte[] bytes = StatsFormat.Write(report);
            _current.ResetWindow();
            return bytes;
        }

        /// <summary>The reservoir seed of a device: FNV-1a of the id's characters (never 0).</summary>
        /// <param name="deviceId">Device id.</param>
        /// <returns>The seed.</returns>
        public static uint SeedOf(string deviceId)
        {
            uint h = 2166136261;
            for (int i = 0; deviceId != null && i < deviceId.Length; i++)
            {
                h = unchecked((h ^ deviceId[i]) * 16777619);
            }

            return h == 0 ? 1 : h;
        }
    }
}
