namespace EdgeMicro.Core.Stats
{
    /// <summary>
    /// The per-feature part of a statistics update (the hot loop): exact sums, 128-bit sums of squares, extremes,
    /// reference-histogram bin (unrolled binary search for the usual 15 edges) and counts at the int8 input limits.
    /// Allocates nothing.
    /// </summary>
    internal static class FeatureUpdate
    {
        /// <summary>Adds one sample to the per-feature statistics.</summary>
        /// <param name="s">Counters.</param>
        /// <param name="sample">Raw sample.</param>
        /// <param name="q">Quantized model input of the sample (the classifier's buffer, possibly longer than the input).</param>
        /// <param name="inputLength">Model input length: only q[0..inputLength) is the input.</param>
        /// <param name="gather">Model input layout (element j reads feature gather[j]), or null.</param>
        /// <param name="edges">Reference bin edges, or null.</param>
        /// <param name="per">Edges per feature.</param>
        public static void Run(StatsCounters s, int[] sample, sbyte[] q, int inputLength, short[] gather, int[] edges, int per)
        {
            s.FeatureSampleCount++;
            int bins = per + 1;
            int[] hist = s.FeatureHistogram;
            int[] min = s.FeatureMin, max = s.FeatureMax;
            long[] sum = s.FeatureSum, high = s.FeatureSumSquaresHigh, low = s.FeatureSumSquaresLow;
            int n = s.FeatureCount;
            unchecked
            {
                for (int f = 0; f < n; f++)
                {
                    int x = sample[f];
                    sum[f] += x;
                    long sq = (long)x * x;
                    long lo = low[f] + sq;
                    low[f] = lo;
                    if ((ulong)lo < (ulong)sq)
                    {
                        high[f]++;
                    }

                    if (x < min[f])
                    {
                        min[f] = x;
                    }

                    if (x > max[f])
                    {
                        max[f] = x;
                    }

                    if (per == 15)
                    {
                        // Unrolled binary search over 15 sorted edges: b = number of edges <= x.
                        int o = f * 15, b = 0;
                        if (edges[o + 7] <= x)
                        {
                            b = 8;
                        }

                        if (edges[o + b + 3] <= x)
                        {
                            b += 4;
                        }

                        if (edges[o + b + 1] <= x)
                        {
                            b += 2;
                        }

                        if (edges[o + b] <= x)
                        {
                            b++;
                        }

                        hist[(f << 4) + b]++;
                    }
                    else if (per > 0)
                    {
                        hist[(f * bins) + StatsCounters.FeatureBin(edges, f * per, per, x)]++;
                    }
                }
            }

            for (int j = 0; j < inputLength; j++)
            {
                int v = q[j];
                if (v == -128)
                {
                    s.FeatureAtLow[gather == null ? j : gather[j]]++;
                }
                else if (v == 127)
                {
                    s.FeatureAtHigh[gather == null ? j : gather[j]]++;
                }
            }
        }
    }
}
