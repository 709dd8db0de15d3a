namespace EdgeMicro.Core.Device.Sensing
{
    /// <summary>
    /// Integer features of an ADC window: per channel mean, min, max and standard deviation over N readings, in that
    /// order per channel (4 features per channel), each in Q(fractionBits) raw-count units. Mean and standard
    /// deviation are rounded to the nearest fixed-point step with integer arithmetic only (no Math on the device).
    /// </summary>
    public static class WindowedFeatures
    {
        /// <summary>Features per channel.</summary>
        public const int PerChannel = 4;

        /// <summary>Computes the features.</summary>
        /// <param name="readings">Readings interleaved by channel: reading r of channel c at r * channels + c (0..65535 each).</param>
        /// <param name="channels">Channel count.</param>
        /// <param name="count">Readings per channel (at least 1).</param>
        /// <param name="fractionBits">F of the model input (0..16).</param>
        /// <param name="features">Destination, channels * 4 values.</param>
        public static void Compute(int[] readings, int channels, int count, int fractionBits, int[] features)
        {
            long scale = 1L << fractionBits;
            for (int c = 0; c < channels; c++)
            {
                long sum = 0, sumSquares = 0;
                int min = int.MaxValue, max = int.MinValue;
                for (int r = 0; r < count; r++)
                {
                    int v = readings[(r * channels) + c];
                    sum += v;
                    sumSquares += (long)v * v;
                    min = v < min ? v : min;
                    max = v > max ? v : max;
                }

                // Variance * n^2 = n * sum(x^2) - sum(x)^2, exact in 64 bits for 16-bit readings and n <= 4096.
                long varianceN2 = (count * sumSquares) - (sum * sum);
                features[(c * PerChannel) + 0] = (int)RoundDivide(sum * scale, count);
                features[(c * PerChannel) + 1] = (int)(min * scale);
                features[(c * PerChannel) + 2] = (int)(max * scale);

                // std * 2^F = sqrt(varianceN2 * 4^F) / n.
                features[(c * PerChannel) + 3] = (int)RoundDivide(IntMath.Sqrt(varianceN2 * scale * scale), count);
            }
        }

        private static long RoundDivide(long a, long b)
        {
            return a >= 0 ? (a + (b / 2)) / b : -((-a + (b / 2)) / b);
        }
    }
}
