using System;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Stats
{
    /// <summary>
    /// Fixed-size buffer of the most informative raw samples of a window, allocated once (no allocation per offer).
    /// <para>Slots [0, U) hold uncertain samples: a sample is a candidate when its margin is below
    /// <see cref="MarginThreshold"/>, or when its predicted class holds no slot (so every class seen in the window has
    /// a representative to label, even under a very accurate model); while there is room it is admitted, otherwise it replaces the highest-margin
    /// sample of its own predicted class when its margin is lower. Each predicted class owns a quota of
    /// ceil(U / K) slots: a class below its quota instead displaces the highest-margin sample of a class at or above
    /// its quota, so rare predicted classes are not crowded out. A diversity gate rejects a candidate whose L1 distance
    /// (raw units) to any uncertain sample is below <see cref="DiversityThreshold"/>.</para>
    /// <para>Slots [U, Capacity) are a uniform reservoir (Algorithm R) over every offered sample, driven by a
    /// deterministic xorshift32 generator seeded by the caller.</para>
    /// </summary>
    public sealed class SampleBuffer
    {
        private readonly int _classCount;
        private readonly int _uncertain;
        private readonly int _quota;
        private readonly int[][] _values;
        private readonly uint[] _sequence;
        private readonly long[] _timestamp;
        private readonly int[] _predicted;
        private readonly int[] _runnerUp;
        private readonly int[] _label;
        private readonly int[] _margin;
        private readonly int[] _confidence;
        private readonly bool[] _used;
        private readonly int[] _classCounts;
        private readonly uint _seed;
        private int _uncertainCount;
        private long _seen;
        private uint _rng;

        /// <summary>Number of instance fields, for <see cref="HeapBytes"/>; a test checks it.</summary>
        public const int InstanceFields = 22;

        /// <summary>Gets the managed-heap bytes of the buffer and its arrays on nanoFramework (<see cref="HeapSize"/>).</summary>
        public int HeapBytes
        {
            get
            {
                int bytes = HeapSize.Object(InstanceFields) + HeapSize.Array(_values.Length, HeapSize.Block) + HeapSize.Of(_sequence) + HeapSize.Of(_timestamp)
                    + HeapSize.Of(_predicted) + HeapSize.Of(_runnerUp) + HeapSize.Of(_label) + HeapSize.Of(_margin) + HeapSize.Of(_confidence)
                    + HeapSize.Of(_used) + HeapSize.Of(_classCounts);
                for (int i = 0; i < _values.Length; i++)
                {
                    bytes += HeapSize.Of(_values[i]);
                }

                return bytes;
            }
        }

        /// <summary>Initializes a new instance of the <see cref="SampleBuffer"/> class.</summary>
        /// <param name="capacity">Total slots.</param>
        /// <param name="reservoirSlots">Slots for uniform reservoir sampling (the rest are uncertain slots).</param>
        /// <param name="classCount">K.</param>
        /// <param name="featureCount">Raw values per sample.</param>
        /// <param name="seed">Generator seed (0 is replaced by a fixed non-zero value).</param>
        public SampleBuffer(int capacity, int reservoirSlots, int classCount, int featureCount, uint seed)
        {
            if (capacity < 0 || reservoirSlots < 0 || reservoirSlots > capacity || classCount < 1)
            {
                throw new StatsFormatException("invalid sample buffer size");
            }

            Capacity = capacity;
            ReservoirSlots = reservoirSlots;
            _classCount = classCount;
            _uncertain = capacity - reservoirSlots;
            int quota = (_uncertain + classCount - 1) / classCount;
            _quota = quota < 1 ? 1 : quota;
            _values = new int[capacity][];
            for (int i = 0; i < capacity; i++)
            {
                _values[i] = new int[featureCount];
            }

            _sequence = new uint[capacity];
            _timestamp = new long[capacity];
            _predicted = new int[capacity];
            _runnerUp = new int[capacity];
            _label = new int[capacity];
            _margin = new int[capacity];
            _confidence = new int[capacity];
            _used = new bool[capacity];
            _classCounts = new int[classCount];
            _seed = seed == 0 ? 0x9E3779B9 : seed;
            MarginThreshold = 8192;
            Clear();
        }

        /// <summary>Gets the total number of slots.</summary>
        public int Capacity { get; private set; }

        /// <summary>Gets the number of reservoir slots.</summary>
        public int ReservoirSlots { get; private set; }

        /// <summary>Gets or sets the Q15 margin below which a sample is an uncertain candidate (default 8192 = 0.25).</summary>
        public int MarginThreshold { get; set; }

        /// <summary>Gets or sets the L1 distance (raw units) below which a candidate is a near-duplicate (0 = gate off).</summary>
        public long DiversityThreshold { get; set; }

        /// <summary>Gets the number of near-duplicates rejected since the last clear.</summary>
        public int DiversityRejects { get; private set; }

        /// <summary>Gets the bytes of array payload the buffer holds.</summary>
        /// <returns>Bytes.</returns>
        public int PayloadBytes()
        {
            int perSlot = (_values.Length == 0 ? 0 : 4 * _values[0].Length) + 4 + 8 + (5 * 4) + 1 + 4;
            return (Capacity * perSlot) + (4 * _classCount);
        }

        /// <summary>Empties the buffer and restarts the generator from the seed (windows are reproducible).</summary>
        public void Clear()
        {
            for (int i = 0; i < Capacity; i++)
            {
                _used[i] = false;
            }

            for (int c = 0; c < _classCount; c++)
            {
                _classCounts[c] = 0;
            }

            _uncertainCount = 0;
            _seen = 0;
            _rng = _seed;
            DiversityRejects = 0;
        }

        /// <summary>Offers one classified sample.</summary>
        /// <param name="sample">Raw values (copied when admitted).</param>
        /// <param name="predicted">Predicted class.</param>
        /// <param name="runnerUp">Runner-up class.</param>
        /// <param name="confidence">Q15 confidence.</param>
        /// <param name="margin">Q15 margin.</param>
        /// <param name="sequence">Sample sequence number.</param>
        /// <param name="timestampMs">Device time.</param>
        public void Offer(int[] sample, int predicted, int runnerUp, int confidence, int margin, uint sequence, long timestampMs)
        {
            _seen++;
            int r = ReservoirSlots;
            if (r > 0)
            {
                int slot = -1;
                if (_seen <= r)
                {
                    slot = _uncertain + (int)(_seen - 1);
                }
                else
                {
                    long j = (long)Next() % _seen;
                    if (j < r)
                    {
                        slot = _uncertain + (int)j;
                    }
                }

                if (slot >= 0)
                {
                    Store(slot, sample, predicted, runnerUp, confidence, margin, sequence, timestampMs);
                }
            }

            // A confident sample is still kept while its predicted class has no slot (class coverage for balancing,
            // cheap: at most once per class until uncertain samples displace it, highest margin first).
            if (_uncertain == 0 || predicted < 0 || predicted >= _classCount || (margin >= MarginThreshold && _classCounts[predicted] > 0))
            {
                return;
            }

            int victim = -1;
            if (_uncertainCount < _uncertain)
            {
                victim = _uncertainCount;
            }
            else if (_classCounts[predicted] < _quota)
            {
                victim = HighestMargin(-1, predicted);
            }
            else
            {
                int worst = HighestMargin(predicted, -1);
                victim = worst >= 0 && margin < _margin[worst] ? worst : -1;
            }

            if (victim < 0 || IsNearDuplicate(sample))
            {
                return;
            }

            if (_used[victim])
            {
                _classCounts[_predicted[victim]]--;
            }
            else
            {
                _uncertainCount++;
            }

            _classCounts[predicted]++;
            Store(victim, sample, predicted, runnerUp, confidence, margin, sequence, timestampMs);
        }

        /// <summary>Attaches a label to the buffered sample with this sequence number, if any.</summary>
        /// <param name="sequence">Sample sequence number.</param>
        /// <param name="label">True class.</param>
        /// <returns>The slot's Q15 confidence, or -1 when the sample is not buffered.</returns>
        public int SetLabel(uint sequence, int label)
        {
            int confidence = -1;
            for (int i = 0; i < Capacity; i++)
            {
                if (_used[i] && _sequence[i] == sequence)
                {
                    _label[i] = label;
                    confidence = _confidence[i];
                }
            }

            return confidence;
        }

        /// <summary>Gets the number of slots in use.</summary>
        public int Count
        {
            get
            {
                int n = 0;
                for (int i = 0; i < Capacity; i++)
                {
                    n += _used[i] ? 1 : 0;
                }

                return n;
            }
        }

        /// <summary>Describes one slot in a caller's sample without copying (its Values is the slot's own array).</summary>
        /// <param name="slot">Slot index.</param>
        /// <param name="into">Destination.</param>
        /// <returns>False when the slot is empty.</returns>
        public bool Fill(int slot, BufferedSample into)
        {
            if (!_used[slot])
            {
                return false;
            }

            into.Sequence = _sequence[slot];
            into.TimestampMs = _timestamp[slot];
            into.Predicted = _predicted[slot];
            into.RunnerUp = _runnerUp[slot];
            into.Label = _label[slot];
            into.MarginQ15 = _margin[slot];
            into.ConfidenceQ15 = _confidence[slot];
            into.Kind = slot < _uncertain ? BufferedSample.KindUncertain : BufferedSample.KindRandom;
            into.Values = _values[slot];
            return true;
        }

        /// <summary>Copies the buffered samples out (allocates; call at report time, not per inference).</summary>
        /// <returns>The samples, uncertain slots first.</returns>
        public BufferedSample[] ToArray()
        {
            BufferedSample[] result = new BufferedSample[Count];
            int k = 0;
            for (int i = 0; i < Capacity; i++)
            {
                if (!_used[i])
                {
                    continue;
                }

                BufferedSample s = new BufferedSample();
                Fill(i, s);
                int[] values = new int[s.Values.Length];
                Array.Copy(s.Values, values, values.Length);
                s.Values = values;
                result[k++] = s;
            }

            return result;
        }

        private uint Next()
        {
            uint x = _rng;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _rng = x;
            return x;
        }

        private int HighestMargin(int ofClass, int underQuotaClass)
        {
            int best = -1;
            for (int i = 0; i < _uncertain; i++)
            {
                if (!_used[i])
                {
                    continue;
                }

                int c = _predicted[i];
                bool eligible = ofClass >= 0 ? c == ofClass : (c != underQuotaClass && _classCounts[c] >= _quota);
                if (eligible && (best < 0 || _margin[i] > _margin[best]))
                {
                    best = i;
                }
            }

            return best;
        }

        private bool IsNearDuplicate(int[] sample)
        {
            long threshold = DiversityThreshold;
            if (threshold <= 0)
            {
                return false;
            }

            for (int i = 0; i < _uncertain; i++)
            {
                if (!_used[i])
                {
                    continue;
                }

                int[] v = _values[i];
                long distance = 0;
                for (int f = 0; f < v.Length && distance < threshold; f++)
                {
                    long d = (long)sample[f] - v[f];
                    distance += d < 0 ? -d : d;
                }

                if (distance < threshold)
                {
                    DiversityRejects++;
                    return true;
                }
            }

            return false;
        }

        private void Store(int slot, int[] sample, int predicted, int runnerUp, int confidence, int margin, uint sequence, long timestampMs)
        {
            Array.Copy(sample, _values[slot], _values[slot].Length);
            _sequence[slot] = sequence;
            _timestamp[slot] = timestampMs;
            _predicted[slot] = predicted;
            _runnerUp[slot] = runnerUp;
            _label[slot] = -1;
            _margin[slot] = margin;
            _confidence[slot] = confidence;
            _used[slot] = true;
        }
    }
}
