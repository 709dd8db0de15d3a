using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Stats
{
    /// <summary>
    /// The additive part of the device statistics for one window: integer counters, histograms and exact sums that
    /// merge across devices and windows by addition (and min/max), so the statistics of a merged set of windows equal
    /// the statistics of their concatenated stream exactly. Arrays are allocated once; updates allocate nothing.
    /// <para>Layout of the matrices (row-major, one int each): score histograms [predicted * 16 + bin] with bin =
    /// min(15, q15 &gt;&gt; 11); ambiguity [predicted * K + runnerUp]; confusion and confident disagreement
    /// [true * K + predicted]; feature histogram [feature * FeatureBins + bin] with bin = number of reference
    /// edges &lt;= x.</para>
    /// <para>Sum of squares: x is a raw Q(F) int32, so x*x &lt;= 2^62 and the sum is kept as an exact unsigned 128-bit
    /// value (<see cref="FeatureSumSquaresHigh"/>, <see cref="FeatureSumSquaresLow"/> as unsigned 64-bit halves).</para>
    /// </summary>
    public sealed class StatsCounters
    {
        /// <summary>Bins of the confidence and margin histograms (Q15 / 2048 per bin).</summary>
        public const int ScoreBins = 16;

        /// <summary>Initializes a new instance of the <see cref="StatsCounters"/> class, all zero.</summary>
        /// <param name="classCount">K.</param>
        /// <param name="featureCount">D.</param>
        /// <param name="featureBins">Bins per feature histogram (reference edges + 1), or 0 without edges.</param>
        public StatsCounters(int classCount, int featureCount, int featureBins)
        {
            ClassCount = classCount;
            FeatureCount = featureCount;
            FeatureBins = featureBins;
            Predicted = new int[classCount];
            ConfidenceHistogram = new int[classCount * ScoreBins];
            MarginHistogram = new int[classCount * ScoreBins];
            ConfidenceSum = new long[classCount];
            PosteriorSum = new long[classCount * classCount];
            Ambiguity = new int[classCount * classCount];
            Confusion = new int[classCount * classCount];
            ConfidentDisagreement = new int[classCount * classCount];
            FeatureSum = new long[featureCount];
            FeatureSumSquaresHigh = new long[featureCount];
            FeatureSumSquaresLow = new long[featureCount];
            FeatureMin = new int[featureCount];
            FeatureMax = new int[featureCount];
            FeatureAtLow = new int[featureCount];
            FeatureAtHigh = new int[featureCount];
            FeatureHistogram = new int[featureCount * featureBins];
            Clear();
        }

        /// <summary>Gets the number of classes K.</summary>
        public int ClassCount { get; private set; }

        /// <summary>Gets the number of raw features D.</summary>
        public int FeatureCount { get; private set; }

        /// <summary>Gets the number of bins per feature histogram.</summary>
        public int FeatureBins { get; private set; }

        /// <summary>Gets or sets the number of inferences in the window.</summary>
        public int InferenceCount { get; set; }

        /// <summary>Gets or sets the number of labels received in the window.</summary>
        public int LabelCount { get; set; }

        /// <summary>Gets or sets the number of inferences ignored because they came from another model version.</summary>
        public int ForeignCount { get; set; }

        /// <summary>Gets or sets the number of samples the per-feature statistics summarize (the count of every feature).</summary>
        public int FeatureSampleCount { get; set; }

        /// <summary>Gets or sets the smallest sample sequence number seen (valid when InferenceCount &gt; 0).</summary>
        public uint MinSequence { get; set; }

        /// <summary>Gets or sets the largest sample sequence number seen.</summary>
        public uint MaxSequence { get; set; }

        /// <summary>Gets or sets the smallest timestamp seen, ms.</summary>
        public long MinTimestampMs { get; set; }

        /// <summary>Gets or sets the largest timestamp seen, ms.</summary>
        public long MaxTimestampMs { get; set; }

        /// <summary>Number of instance fields (auto-property backing fields), for <see cref="HeapBytes"/>; a test checks it.</summary>
        public const int InstanceFields = 27;

        /// <summary>Gets the managed-heap bytes of the counters and their arrays on nanoFramework (<see cref="HeapSize"/>).</summary>
        public int HeapBytes
        {
            get
            {
                return HeapSize.Object(InstanceFields) + HeapSize.Of(Predicted) + HeapSize.Of(ConfidenceHistogram) + HeapSize.Of(MarginHistogram)
                    + HeapSize.Of(ConfidenceSum) + HeapSize.Of(PosteriorSum) + HeapSize.Of(Ambiguity) + HeapSize.Of(Confusion) + HeapSize.Of(ConfidentDisagreement)
                    + HeapSize.Of(FeatureSum) + HeapSize.Of(FeatureSumSquaresHigh) + HeapSize.Of(FeatureSumSquaresLow) + HeapSize.Of(FeatureMin)
                    + HeapSize.Of(FeatureMax) + HeapSize.Of(FeatureAtLow) + HeapSize.Of(FeatureAtHigh) + HeapSize.Of(FeatureHistogram);
            }
        }

        /// <summary>Gets the predicted-class counts (K).</summary>
        public int[] Predicted { get; private set; }

        /// <summary>Gets the top-1 confidence histograms per predicted class (K x 16).</summary>
        public int[] ConfidenceHistogram { get; private set; }

        /// <summary>Gets the top-1/top-2 margin histograms per predicted class (K x 16).</summary>
        public int[] MarginHistogram { get; private set; }

        /// <summary>Gets the sums of Q15 self-confidence per predicted class (K); the count is <see cref="Predicted"/>.</summary>
        public long[] ConfidenceSum { get; private set; }

        /// <summary>
        /// Gets the sums of the Q15 posterior vector per predicted class (K x K, [predicted * K + class]); the
        /// diagonal equals <see cref="ConfidenceSum"/>. The model's own view of which classes its predictions of each
        /// class mix in, for the host's label-shift estimate.
        /// </summary>
        public long[] PosteriorSum { get; private set; }

        /// <summary>Gets the low-margin (predicted, runner-up) counts (K x K).</summary>
        public int[] Ambiguity { get; private set; }

        /// <summary>Gets the labelled confusion counts (true x predicted).</summary>
        public int[] Confusion { get; private set; }

        /// <summary>Gets the counts of labels that disagree with a prediction at least as confident as its class mean (true x predicted).</summary>
        public int[] ConfidentDisagreement { get; private set; }

        /// <summary>Gets the per-feature sums of raw values.</summary>
        public long[] FeatureSum { get; private set; }

        /// <summary>Gets the high 64 bits (unsigned) of the per-feature sums of squares.</summary>
        public long[] FeatureSumSquaresHigh { get; private set; }

        /// <summary>Gets the low 64 bits (unsigned) of the per-feature sums of squares.</summary>
        public long[] FeatureSumSquaresLow { get; private set; }

        /// <summary>Gets the per-feature minimum raw values (int.MaxValue when empty).</summary>
        public int[] FeatureMin { get; private set; }

        /// <summary>Gets the per-feature maximum raw values (int.MinValue when empty).</summary>
        public int[] FeatureMax { get; private set; }

        /// <summary>Gets the per-feature counts of quantized model inputs at -128.</summary>
        public int[] FeatureAtLow { get; private set; }

        /// <summary>Gets the per-feature counts of quantized model inputs at 127.</summary>
        public int[] FeatureAtHigh { get; private set; }

        /// <summary>Gets the per-feature histograms over the reference bin edges (D x FeatureBins).</summary>
        public int[] FeatureHistogram { get; private set; }

        /// <summary>Returns the histogram bin of a Q15 score.</summary>
        /// <param name="q15">Score in [0, 32768].</param>
        /// <returns>Bin in [0, 15].</returns>
        public static int ScoreBin(int q15)
        {
            int b = q15 >> 11;
            return b < 0 ? 0 : (b > ScoreBins - 1 ? ScoreBins - 1 : b);
        }

        /// <summary>Returns the reference-histogram bin of a value: the number of edges &lt;= x (binary search).</summary>
        /// <param name="edges">All edges.</param>
        /// <param name="offset">First edge of this feature.</param>
        /// <param name="count">Edges per feature.</param>
        /// <param name="x">Raw value.</param>
        /// <returns>Bin in [0, count].</returns>
        public static int FeatureBin(int[] edges, int offset, int count, int x)
        {
            int lo = 0, hi = count;
            while (lo < hi)
            {
                int mid = (lo + hi) >> 1;
                if (edges[offset + mid] <= x)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }

        /// <summary>Adds x*x (x an int32, so x*x &lt;= 2^62) to an unsigned 128-bit sum held in two longs.</summary>
        /// <param name="high">High half.</param>
        /// <param name="low">Low half (unsigned).</param>
        /// <param name="index">Element.</param>
        /// <param name="x">Value.</param>
        public static void AddSquare(long[] high, long[] low, int index, int x)
        {
            unchecked
            {
                long sq = (long)x * x;
                long sum = low[index] + sq;
                low[index] = sum;
                if ((ulong)sum < (ulong)sq)
                {
                    high[index]++;
                }
            }
        }

        /// <summary>Resets everything to the empty window.</summary>
        public void Clear()
        {
            InferenceCount = 0;
            LabelCount = 0;
            ForeignCount = 0;
            FeatureSampleCount = 0;
            MinSequence = 0xFFFFFFFF;
            MaxSequence = 0;
            MinTimestampMs = long.MaxValue;
            MaxTimestampMs = long.MinValue;
            Fill(Predicted, 0);
            Fill(ConfidenceHistogram, 0);
            Fill(MarginHistogram, 0);
            Fill(Ambiguity, 0);
            Fill(Confusion, 0);
            Fill(ConfidentDisagreement, 0);
            Fill(FeatureMin, int.MaxValue);
            Fill(FeatureMax, int.MinValue);
            Fill(FeatureAtLow, 0);
            Fill(FeatureAtHigh, 0);
            Fill(FeatureHistogram, 0);
            for (int i = 0; i < ConfidenceSum.Length; i++)
            {
                ConfidenceSum[i] = 0;
            }

            for (int i = 0; i < PosteriorSum.Length; i++)
            {
                PosteriorSum[i] = 0;
            }

            for (int f = 0; f < FeatureCount; f++)
            {
                FeatureSum[f] = 0;
                FeatureSumSquaresHigh[f] = 0;
                FeatureSumSquaresLow[f] = 0;
            }
        }

        /// <summary>Returns true when the other counters have the same shape (K, D, feature bins).</summary>
        /// <param name="other">Other counters.</param>
        /// <returns>True when they can be merged.</returns>
        public bool SameShape(StatsCounters other)
        {
            return other != null && other.ClassCount == ClassCount && other.FeatureCount == FeatureCount && other.FeatureBins == FeatureBins;
        }

        /// <summary>Adds another window's counters into these (exact: sums, counts, min/max).</summary>
        /// <param name="other">Counters of the same shape.</param>
        public void MergeFrom(StatsCounters other)
        {
            if (!SameShape(other))
            {
                throw new StatsFormatException("cannot merge statistics of different shapes");
            }

            unchecked
            {
                InferenceCount += other.InferenceCount;
                LabelCount += other.LabelCount;
                ForeignCount += other.ForeignCount;
                FeatureSampleCount += other.FeatureSampleCount;
                MinSequence = other.MinSequence < MinSequence ? other.MinSequence : MinSequence;
                MaxSequence = other.MaxSequence > MaxSequence ? other.MaxSequence : MaxSequence;
                MinTimestampMs = other.MinTimestampMs < MinTimestampMs ? other.MinTimestampMs : MinTimestampMs;
                MaxTimestampMs = other.MaxTimestampMs > MaxTimestampMs ? other.MaxTimestampMs : MaxTimestampMs;
                Add(Predicted, other.Predicted);
                Add(ConfidenceHistogram, other.ConfidenceHistogram);
                Add(MarginHistogram, other.MarginHistogram);
                Add(Ambiguity, other.Ambiguity);
                Add(Confusion, other.Confusion);
                Add(ConfidentDisagreement, other.ConfidentDisagreement);
                Add(FeatureAtLow, other.FeatureAtLow);
                Add(FeatureAtHigh, other.FeatureAtHigh);
                Add(FeatureHistogram, other.FeatureHistogram);
                for (int i = 0; i < ClassCount; i++)
                {
                    ConfidenceSum[i] += other.ConfidenceSum[i];
                }

                for (int i = 0; i < PosteriorSum.Length; i++)
                {
                    PosteriorSum[i] += other.PosteriorSum[i];
                }

                for (int f = 0; f < FeatureCount; f++)
                {
                    FeatureSum[f] += other.FeatureSum[f];
                    long low = FeatureSumSquaresLow[f] + other.FeatureSumSquaresLow[f];
                    long carry = (ulong)low < (ulong)other.FeatureSumSquaresLow[f] ? 1 : 0;
                    FeatureSumSquaresLow[f] = low;
                    FeatureSumSquaresHigh[f] += other.FeatureSumSquaresHigh[f] + carry;
                    FeatureMin[f] = other.FeatureMin[f] < FeatureMin[f] ? other.FeatureMin[f] : FeatureMin[f];
                    FeatureMax[f] = other.FeatureMax[f] > FeatureMax[f] ? other.FeatureMax[f] : FeatureMax[f];
                }
            }
        }

        /// <summary>Gets the bytes of array payload these counters hold.</summary>
        /// <returns>Bytes (array contents only).</returns>
        public int PayloadBytes()
        {
            int k = ClassCount, d = FeatureCount;
            return (4 * k) + (2 * 4 * k * ScoreBins) + (8 * k) + (8 * k * k) + (3 * 4 * k * k) + (d * (8 + 8 + 8 + 4 + 4 + 4 + 4)) + (4 * d * FeatureBins);
        }

        private static void Fill(int[] values, int value)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = value;
            }
        }

        private static void Add(int[] target, int[] source)
        {
            unchecked
            {
                for (int i = 0; i < target.Length; i++)
                {
                    target[i] += source[i];
                }
            }
        }
    }
}
