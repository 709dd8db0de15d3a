namespace EdgeMicro.Fleet.Balancing;

/// <summary>Small numeric routines for the balancing plan: chi-square distribution, linear solve, condition number.</summary>
public static class StatMath
{
    /// <summary>Chi-square CDF: P(X &lt;= x) for X ~ chi2(df), via the regularized lower incomplete gamma function.</summary>
    /// <param name="x">Value.</param>
    /// <param name="df">Degrees of freedom (&gt; 0).</param>
    /// <returns>The probability.</returns>
    public static double ChiSquareCdf(double x, int df) => x <= 0 ? 0 : RegularizedGammaP(df / 2.0, x / 2.0);

    /// <summary>Upper-tail p-value of a chi-square statistic.</summary>
    /// <param name="x">Statistic.</param>
    /// <param name="df">Degrees of freedom.</param>
    /// <returns>P(X &gt;= x).</returns>
    public static double ChiSquarePValue(double x, int df) => df <= 0 ? 1 : Math.Clamp(1 - ChiSquareCdf(x, df), 0, 1);

    /// <summary>Chi-square quantile by bisection.</summary>
    /// <param name="p">Probability in (0, 1).</param>
    /// <param name="df">Degrees of freedom.</param>
    /// <returns>x with CDF(x) = p.</returns>
    public static double ChiSquareQuantile(double p, int df)
    {
        double lo = 0, hi = Math.Max(1, df);
        while (ChiSquareCdf(hi, df) < p)
        {
            hi *= 2;
        }

        for (int i = 0; i < 200; i++)
        {
            double mid = (lo + hi) / 2;
            (lo, hi) = ChiSquareCdf(mid, df) < p ? (mid, hi) : (lo, mid);
        }

        return (lo + hi) / 2;
    }

    /// <summary>Regularized lower incomplete gamma P(a, x) (series for x &lt; a + 1, continued fraction otherwise).</summary>
    /// <param name="a">Shape.</param>
    /// <param name="x">Argument.</param>
    /// <returns>P(a, x).</returns>
    public static double RegularizedGammaP(double a, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        double lnPrefix = (a * Math.Log(x)) - x - LogGamma(a);
        if (x < a + 1)
        {
            double term = 1 / a, sum = term;
            for (int n = 1; n < 1000 && Math.Abs(term) > Math.Abs(sum) * 1e-16; n++)
            {
                term *= x / (a + n);
                sum += term;
            }

            return Math.Min(1, sum * Math.Exp(lnPrefix));
        }

        // Lentz's continued fraction for Q(a, x).
        double b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;
        for (int i = 1; i < 1000; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            d = Math.Abs(d) < 1e-300 ? 1e-300 : d;
            c = b + (an / c);
            c = Math.Abs(c) < 1e-300 ? 1e-300 : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Max(0, 1 - (Math.Exp(lnPrefix) * h));
    }

    /// <summary>ln Gamma(x) (Lanczos, g = 7).</summary>
    /// <param name="x">Argument &gt; 0.</param>
    /// <returns>ln Gamma(x).</returns>
    public static double LogGamma(double x)
    {
        double[] g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }

        x -= 1;
        double a = g[0], t = x + 7.5;
        for (int i = 1; i < 9; i++)
        {
            a += g[i] / (x + i);
        }

        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(a);
    }

    /// <summary>Solves A x = b by Gaussian elimination with partial pivoting.</summary>
    /// <param name="a">Square matrix (rows); not modified.</param>
    /// <param name="b">Right-hand side.</param>
    /// <returns>x, or null when A is (numerically) singular.</returns>
    public static double[]? Solve(double[][] a, double[] b)
    {
        int n = b.Length;
        double[][] m = a.Select((row, i) => row.Append(b[i]).ToArray()).ToArray();
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
            {
                pivot = Math.Abs(m[r][col]) > Math.Abs(m[pivot][col]) ? r : pivot;
            }

            if (Math.Abs(m[pivot][col]) < 1e-12)
            {
                return null;
            }

            (m[col], m[pivot]) = (m[pivot], m[col]);
            for (int r = 0; r < n; r++)
            {
                if (r != col)
                {
                    double f = m[r][col] / m[col][col];
                    for (int c = col; c <= n; c++)
                    {
                        m[r][c] -= f * m[col][c];
                    }
                }
            }
        }

        return Enumerable.Range(0, n).Select(i => m[i][n] / m[i][i]).ToArray();
    }

    /// <summary>2-norm condition number sigma_max / sigma_min, from the eigenvalues of A^T A (cyclic Jacobi).</summary>
    /// <param name="a">Square matrix.</param>
    /// <returns>The condition number (infinity when singular).</returns>
    public static double ConditionNumber(double[][] a)
    {
        int n = a.Length;
        var s = new double[n][];
        for (int i = 0; i < n; i++)
        {
            s[i] = new double[n];
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++)
                {
                    s[i][j] += a[k][i] * a[k][j];
                }
            }
        }

        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    off += s[p][q] * s[p][q];
                    if (Math.Abs(s[p][q]) < 1e-300)
                    {
                        continue;
                    }

                    double theta = (s[q][q] - s[p][p]) / (2 * s[p][q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
                    double c = 1 / Math.Sqrt((t * t) + 1), sn = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double skp = s[k][p], skq = s[k][q];
                        s[k][p] = (c * skp) - (sn * skq);
                        s[k][q] = (sn * skp) + (c * skq);
                    }

                    for (int k = 0; k < n; k++)
                    {
                        double spk = s[p][k], sqk = s[q][k];
                        s[p][k] = (c * spk) - (sn * sqk);
                        s[q][k] = (sn * spk) + (c * sqk);
                    }
                }
            }

            if (off < 1e-30)
            {
                break;
            }
        }

        double max = Enumerable.Range(0, n).Max(i => s[i][i]), min = Enumerable.Range(0, n).Min(i => s[i][i]);
        return min <= max * 1e-30 ? double.PositiveInfinity : Math.Sqrt(max / min);
    }

    /// <summary>Population stability index with +0.5 smoothing per bin: sum (a - e) ln(a / e) over bin shares.</summary>
    /// <param name="expected">Reference counts.</param>
    /// <param name="actual">Observed counts.</param>
    /// <returns>PSI.</returns>
    public static double Psi(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        double n = expected.Sum() + (0.5 * expected.Count), m = actual.Sum() + (0.5 * actual.Count), psi = 0;
        for (int b = 0; b < expected.Count; b++)
        {
            double e = (expected[b] + 0.5) / n, a = (actual[b] + 0.5) / m;
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }
}
