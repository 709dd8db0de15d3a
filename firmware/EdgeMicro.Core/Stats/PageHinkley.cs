namespace EdgeMicro.Core.Stats
{
    /// <summary>
    /// Page-Hinkley test for a drop of the mean of a Q15 stream (mean confidence), integer arithmetic only:
    /// <code>
    /// n += 1; S += x; mean = S / n (integer division)
    /// g = max(0, g + (mean - x) - Delta)
    /// alarm when n &gt;= MinInstances and g &gt; Lambda; then n = S = g = 0 (the test restarts)
    /// </code>
    /// This is river's PageHinkley (alpha = 1) mirrored to detect decreases, in Q15 units: Delta = 164 is 0.005 and
    /// Lambda = 655360 is 20 (confidence units summed over samples).
    /// </summary>
    public sealed class PageHinkley
    {
        private long _n;
        private long _sum;
        private long _g;

        /// <summary>Initializes a new instance of the <see cref="PageHinkley"/> class with the default thresholds.</summary>
        public PageHinkley()
        {
            Delta = 164;
            Lambda = 655360;
            MinInstances = 30;
        }

        /// <summary>Gets or sets the tolerated drop per sample (Q15).</summary>
        public int Delta { get; set; }

        /// <summary>Gets or sets the alarm threshold (Q15 units summed over samples).</summary>
        public long Lambda { get; set; }

        /// <summary>Gets or sets the samples needed before an alarm.</summary>
        public int MinInstances { get; set; }

        /// <summary>Gets the current statistic g.</summary>
        public long Statistic
        {
            get { return _g; }
        }

        /// <summary>Adds one value.</summary>
        /// <param name="x">Q15 value.</param>
        /// <returns>True when the drop is detected (the test then restarts).</returns>
        public bool Update(int x)
        {
            _n++;
            _sum += x;
            long mean = _sum / _n;
            long g = _g + (mean - x) - Delta;
            _g = g < 0 ? 0 : g;
            if (_n >= MinInstances && _g > Lambda)
            {
                Restart();
                return true;
            }

            return false;
        }

        /// <summary>Restarts the test.</summary>
        public void Restart()
        {
            _n = 0;
            _sum = 0;
            _g = 0;
        }
    }
}
