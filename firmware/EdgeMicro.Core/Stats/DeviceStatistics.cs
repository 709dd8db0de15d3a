using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Stats
{
    /// <summary>
    /// Device-side statistics of one model version for the window since the last pull: the additive
    /// <see cref="StatsCounters"/>, the <see cref="SampleBuffer"/> of informative raw samples and a
    /// <see cref="PageHinkley"/> alarm on confidence. Integer arithmetic only; every array is allocated by the
    /// constructor and <see cref="OnInference"/> / <see cref="OnLabel"/> allocate nothing. Inferences of another model
    /// version (or shape) are only counted in <see cref="StatsCounters.ForeignCount"/>. Not thread-safe.
    /// <para>Memory (array payload) for K classes, D features, B = edges + 1 feature bins and S buffer slots:
    /// 140 K + 20 K^2 + 36 D + 4 D B + S (4 D + 37) + 4 K bytes, plus array headers; see
    /// <see cref="EstimateFootprint"/> (about 14.4 KiB for K = 8, D = 64, B = 16, S = 16).</para>
    /// </summary>
    public sealed class DeviceStatistics
    {
        /// <summary>Default number of buffer slots.</summary>
        public const int DefaultCapacity = 16;

        /// <summary>Default number of those slots filled by reservoir sampling.</summary>
        public const int DefaultReservoirSlots = 4;

        /// <summary>
        /// Default feature-statistics stride: every-sample feature statistics cost about 64 % of the digits MLP's
        /// inference in executed IL, every 4th sample about 18 % (class and score statistics alone: about 3 %).
        /// (Figures before the content hash and the posterior sums; the CostTests print the current ones.)
        /// </summary>
        public const int DefaultFeatureStride = 4;

        /// <summary>Number of instance fields (including auto-property backing fields), for <see cref="HeapBytes"/>;
        /// a test checks it.</summary>
        public const int InstanceFields = 21;

        /// <summary>Number of instance fields of the drift detector (<see cref="PageHinkley"/>).</summary>
        public const int DriftInstanceFields = 6;

        /// <summary>Gets the managed-heap bytes the statistics allocate on nanoFramework (<see cref="HeapSize"/>): this
        /// object, the counters, the sample buffer, the drift detector and the preallocated report
        /// (<see cref="ReportBuffer"/>; the model's arrays it refers to are the model's).</summary>
        public int HeapBytes
        {
            get
            {
                return HeapSize.Object(InstanceFields) + _report.HeapBytes + _counters.HeapBytes + _buffer.HeapBytes + HeapSize.Object(DriftInstanceFields);
            }
        }

        /// <summary>Bytes assumed per managed array or object header in footprint estimates (conservative); scalar fields add 512.</summary>
        public const int HeaderBytes = 24;

        private readonly string _modelId;
        private readonly uint _modelVersion;
        private readonly int _classCount;
        private readonly int _featureCount;
        private readonly short[] _gather;
        private readonly int[] _edges;
        private readonly int _edgesPerFeature;
        private readonly StatsCounters _counters;
        private readonly SampleBuffer _buffer;
        private readonly PageHinkley _drift;
        private readonly ReportBuffer _report;
        private int _featureStride = DefaultFeatureStride;
        private int _driftAlarms;
        private uint _lastDriftSequence;
        private bool _driftPending;
        private bool _hasLast;
        private uint _lastSequence;
        private int _lastConfidence;

        /// <summary>Initializes a new instance of the <see cref="DeviceStatistics"/> class with the default buffer.</summary>
        /// <param name="blob">The model blob (model and reference bin edges).</param>
        /// <param name="seed">Seed of the reservoir generator (e.g. derived from the device id).</param>
        public DeviceStatistics(ModelBlob blob, uint seed)
            : this(blob.Model, blob.FeatureBinEdges, blob.EdgesPerFeature, DefaultCapacity, DefaultReservoirSlots, seed)
        {
        }

        /// <summary>Initializes a new instance of the <see cref="DeviceStatistics"/> class.</summary>
        /// <param name="model">The model version the statistics belong to.</param>
        /// <param name="edges">Reference bin edges, FeatureCount x edgesPerFeature, or null.</param>
        /// <param name="edgesPerFeature">Edges per feature (0 without edges).</param>
        /// <param name="capacity">Buffer slots.</param>
        /// <param name="reservoirSlots">Buffer slots filled by reservoir sampling.</param>
        /// <param name="seed">Generator seed.</param>
        public DeviceStatistics(ModelDefinition model, int[] edges, int edgesPerFeature, int capacity, int reservoirSlots, uint seed)
        {
            _modelId = model.ModelId;
            _modelVersion = model.ModelVersion;
            _classCount = model.ClassCount;
            _featureCount = model.FeatureCount;
            _gather = model.InputGather;
            bool hasEdges = edges != null && edgesPerFeature > 0 && edges.Length == _featureCount * edgesPerFeature;
            _edges = hasEdges ? edges : null;
            _edgesPerFeature = hasEdges ? edgesPerFeature : 0;
            _counters = new StatsCounters(_classCount, _featureCount, hasEdges ? edgesPerFeature + 1 : 0);
            _buffer = new SampleBuffer(capacity, reservoirSlots, _classCount, _featureCount, seed);
            _drift = new PageHinkley();
            _report = new ReportBuffer(_modelId, _classCount, _featureCount, hasEdges ? edgesPerFeature + 1 : 0, capacity);
            AmbiguityMarginQ15 = 8192;
            ConfidentThresholdQ15 = 26214;
            long spread = 0;
            for (int f = 0; hasEdges && f < _featureCount; f++)
            {
                spread += (long)edges[(f * edgesPerFeature) + edgesPerFeature - 1] - edges[f * edgesPerFeature];
            }

            _buffer.DiversityThreshold = spread / 32;
        }

        /// <summary>Gets the counters of the current window.</summary>
        public StatsCounters Counters
        {
            get { return _counters; }
        }

        /// <summary>Gets the sample buffer of the current window.</summary>
        public SampleBuffer Buffer
        {
            get { return _buffer; }
        }

        /// <summary>Gets the preallocated report (<see cref="WriteWindow"/> writes into it).</summary>
        public ReportBuffer Report
        {
            get { return _report; }
        }

        /// <summary>Gets the drift detector (thresholds are settable).</summary>
        public PageHinkley Drift
        {
            get { return _drift; }
        }

        /// <summary>Gets the window number (the report sequence of the next pull).</summary>
        public uint WindowIndex { get; private set; }

        /// <summary>
        /// Gets or sets the feature-statistics stride N: per-feature sums, extremes, limit counts and histograms are
        /// kept for the samples whose <see cref="ContentHash.Of"/> is a multiple of N, about 1 in N. The choice depends on
        /// the reading alone, not on which device saw it or when, so a stream split over several devices gives exactly
        /// the statistics of the same stream on one device (<see cref="StatsCounters.FeatureSampleCount"/> says how
        /// many samples they summarize). Default <see cref="DefaultFeatureStride"/>; 1 = every sample.
        /// </summary>
        public int FeatureStride
        {
            get { return _featureStride; }
            set { _featureStride = value < 1 ? 1 : value; }
        }

        /// <summary>Gets or sets the Q15 margin below which (predicted, runner-up) counts as ambiguous (default 0.25).</summary>
        public int AmbiguityMarginQ15 { get; set; }

        /// <summary>Gets or sets the Q15 confidence from which a disagreeing label counts as confident (default 0.8).</summary>
        public int ConfidentThresholdQ15 { get; set; }

        /// <summary>Returns and clears the pending drift alarm flag (the device loop publishes an event when true).</summary>
        /// <returns>True when an alarm was raised since the last call.</returns>
        public bool TakeDriftAlarm()
        {
            bool pending = _driftPending;
            _driftPending = false;
            return pending;
        }

        /// <summary>Counts one inference (called by the runtime after each classification; allocates nothing).</summary>
        /// <param name="sample">The raw sample (FeatureCount values, Q(InputFractionBits)).</param>
        /// <param name="result">The classifier holding class, runner-up, confidence and margin of this sample.</param>
        /// <param name="sequence">Device-wide sample sequence number.</param>
        /// <param name="timestampMs">Device time in milliseconds.</param>
        public void OnInference(int[] sample, Classifier result, uint sequence, long timestampMs)
        {
            StatsCounters s = _counters;
            ModelDefinition m = result.Model;
            if (m.ModelVersion != _modelVersion || m.FeatureCount != _featureCount || m.ClassCount != _classCount)
            {
                s.ForeignCount++;
                return;
            }

            int k = _classCount;
            int c = result.PredictedClass, runnerUp = result.RunnerUpClass;
            int confidence = result.ConfidenceQ15, margin = result.MarginQ15;
            s.InferenceCount++;
            s.MinSequence = sequence < s.MinSequence ? sequence : s.MinSequence;
            s.MaxSequence = sequence > s.MaxSequence ? sequence : s.MaxSequence;
            s.MinTimestampMs = timestampMs < s.MinTimestampMs ? timestampMs : s.MinTimestampMs;
            s.MaxTimestampMs = timestampMs > s.MaxTimestampMs ? timestampMs : s.MaxTimestampMs;
            s.Predicted[c]++;
            s.ConfidenceHistogram[(c * StatsCounters.ScoreBins) + StatsCounters.ScoreBin(confidence)]++;
            s.MarginHistogram[(c * StatsCounters.ScoreBins) + StatsCounters.ScoreBin(margin)]++;
            s.ConfidenceSum[c] += confidence;
            OutputHead.AddPosterior(m, result.Outputs, s.PosteriorSum, c * k);
            if (margin < AmbiguityMarginQ15)
            {
                s.Ambiguity[(c * k) + runnerUp]++;
            }

            if (_featureStride == 1 || ContentHash.Of(sample, _featureCount) % (uint)_featureStride == 0)
            {
                FeatureUpdate.Run(s, sample, result.QuantizedInput, m.InputLength, _gather, _edges, _edgesPerFeature);
            }

            if (_drift.Update(confidence))
            {
                _driftAlarms++;
                _lastDriftSequence = sequence;
                _driftPending = true;
            }

            _buffer.Offer(sample, c, runnerUp, confidence, margin, sequence, timestampMs);
            _hasLast = true;
            _lastSequence = sequence;
            _lastConfidence = confidence;
        }

        /// <summary>Counts a ground-truth label a person gave (label button or command) for a sample.</summary>
        /// <param name="sequence">Sequence number of the labelled sample.</param>
        /// <param name="trueClass">The true class.</param>
        /// <param name="predictedClass">What the model predicted for it.</param>
        public void OnLabel(uint sequence, int trueClass, int predictedClass)
        {
            int k = _classCount;
            if (trueClass < 0 || trueClass >= k || predictedClass < 0 || predictedClass >= k)
            {
                return;
            }

            StatsCounters s = _counters;
            s.LabelCount++;
            s.Confusion[(trueClass * k) + predictedClass]++;
            int confidence = _buffer.SetLabel(sequence, trueClass);
            if (confidence < 0 && _hasLast && sequence == _lastSequence)
            {
                confidence = _lastConfidence;
            }

            if (trueClass != predictedClass && confidence >= ConfidentThresholdQ15)
            {
                s.ConfidentDisagreement[(trueClass * k) + predictedClass]++;
            }
        }

        /// <summary>Builds the report of the current window (allocates the sample copies; counters are shared).</summary>
        /// <param name="deviceId">Device id.</param>
        /// <param name="includeCounters">Whether to include the counters section.</param>
        /// <param name="includeSamples">Whether to include the samples section.</param>
        /// <returns>The report.</returns>
        public StatsReport CreateReport(string deviceId, bool includeCounters, bool includeSamples)
        {
            StatsReport report = new StatsReport();
            FillHeader(report);
            report.DeviceId = deviceId;
            report.Counters = includeCounters ? _counters : null;
            report.Samples = includeSamples ? _buffer.ToArray() : null;
            return report;
        }

        /// <summary>
        /// Serializes the window (delivery section, statistics and samples) into the preallocated
        /// <see cref="Report"/> and starts the next window; allocates nothing. The bytes are valid until the next call.
        /// </summary>
        /// <param name="deviceId">UTF-8 device id (at most <see cref="ReportBuffer.MaxDeviceIdBytes"/> bytes).</param>
        /// <param name="boot">Boot the window was counted in.</param>
        /// <param name="droppedResults">Results and labels the outbox dropped since boot.</param>
        /// <param name="droppedEvents">Events the outbox dropped since boot.</param>
        /// <param name="droppedWindows">Statistics windows lost since boot.</param>
        /// <returns>The report length in <see cref="ReportBuffer.Bytes"/>.</returns>
        public int WriteWindow(byte[] deviceId, long boot, long droppedResults, long droppedEvents, int droppedWindows)
        {
            StatsReport report = _report.Header;
            FillHeader(report);
            report.Counters = _counters;
            report.Samples = null;
            report.HasDelivery = true;
            report.Boot = boot;
            report.DroppedResults = droppedResults;
            report.DroppedEvents = droppedEvents;
            report.DroppedWindows = droppedWindows;
            int length = _report.Write(deviceId, _buffer);
            ResetWindow();
            return length;
        }

        private void FillHeader(StatsReport report)
        {
            report.ModelId = _modelId;
            report.ModelVersion = _modelVersion;
            report.ReportSequence = WindowIndex;
            report.ClassCount = _classCount;
            report.FeatureCount = _featureCount;
            report.DriftAlarms = _driftAlarms;
            report.LastDriftSequence = _lastDriftSequence;
            report.DriftStatistic = _drift.Statistic;
            report.BufferRejects = _buffer.DiversityRejects;
            report.BufferSlots = _buffer.Capacity;
            report.ReservoirSlots = _buffer.ReservoirSlots;
        }

        /// <summary>Serializes the window (statistics and samples) and starts the next window.</summary>
        /// <param name="deviceId">Device id.</param>
        /// <returns>The report bytes (<see cref="StatsFormat"/>).</returns>
        public byte[] Pull(string deviceId)
        {
            byte[] bytes = StatsFormat.Write(CreateReport(deviceId, true, true));
            ResetWindow();
            return bytes;
        }

        /// <summary>Starts a new window: clears counters, buffer and alarm counts (the drift test keeps running).</summary>
        public void ResetWindow()
        {
            _counters.Clear();
            _buffer.Clear();
            _driftAlarms = 0;
            _lastDriftSequence = 0;
            WindowIndex++;
        }

        /// <summary>Estimates the bytes of RAM the statistics state takes (without the preallocated report, see
        /// <see cref="StatsFormat.MaxBytes"/>): array payloads plus <see cref="HeaderBytes"/> per array and object.</summary>
        /// <param name="classCount">K.</param>
        /// <param name="featureCount">D.</param>
        /// <param name="featureBins">Bins per feature.</param>
        /// <param name="capacity">Buffer slots.</param>
        /// <returns>Bytes.</returns>
        public static int EstimateFootprint(int classCount, int featureCount, int featureBins, int capacity)
        {
            int k = classCount, d = featureCount;
            int counters = (4 * k) + (128 * k) + (8 * k) + (20 * k * k) + (36 * d) + (4 * d * featureBins);
            int buffer = (capacity * ((4 * d) + 37)) + (4 * k);
            int arrays = 19 + 10 + capacity;
            int objects = 5;
            int scalars = 512;
            return counters + buffer + scalars + ((arrays + objects) * HeaderBytes);
        }
    }
}
