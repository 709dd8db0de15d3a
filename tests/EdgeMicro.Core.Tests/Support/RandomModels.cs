using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Tests.Support;

/// <summary>
/// Seeded generator of random VALID models: Dense chains (narrow ones that fit SWAR3, wide ones with full-range
/// weights that force SWAR2), 1-D and 2-D convolutions with random pads/strides/dilations/groups (depthwise
/// included), max/average pools with and without CountIncludePad, LeakyRelu layers, per-element input zero points,
/// ReLU clamps (ActivationMin = OutputZeroPoint), full-range and arbitrary clips, softmax and sigmoid heads (including
/// a single-output sigmoid with two classes) and random input layouts. The same seed always gives the same model.
/// </summary>
public static partial class RandomModels
{
    /// <summary>Creates the model of a seed.</summary>
    public static ModelDefinition Create(int seed) => new Generator(new Random(seed)).Build(seed);

    /// <summary>Creates a raw sample that mostly lands inside the input quantizer's range, sometimes saturates.</summary>
    public static int[] Sample(ModelDefinition m, Random r)
    {
        var s = new int[m.FeatureCount];
        for (int f = 0; f < s.Length; f++)
        {
            s[f] = r.Next(-100_000, 100_000);
        }

        for (int j = 0; j < m.InputLength; j++)
        {
            int f = m.InputGather == null ? j : m.InputGather[j];
            int mode = r.Next(10);
            if (mode == 0)
            {
                s[f] = r.Next(2) == 0 ? int.MinValue : int.MaxValue;
            }
            else if (m.InputMultiplier[j] != 0)
            {
                double target = r.Next(-140, 141) + r.NextDouble();
                double x = m.InputOffset[j] + (target * Math.Pow(2, m.InputShift[j]) / m.InputMultiplier[j]);
                s[f] = (int)Math.Clamp(Math.Round(x), int.MinValue, int.MaxValue);
            }
        }

        return s;
    }

    /// <summary>Builds one model; layer construction is in RandomLayers.cs.</summary>
    private sealed partial class Generator
    {
        private readonly Random _r;
        private readonly List<LayerDefinition> _layers = new();
        private int _c, _h, _w, _min = -128, _max = 127;

        public Generator(Random r)
        {
            _r = r;
        }

        public ModelDefinition Build(int seed)
        {
            var m = new ModelDefinition
            {
                ModelId = "random-" + seed + (_r.Next(4) == 0 ? "-\u00e9\u6f22\ud83d\ude42" : string.Empty),
                ModelVersion = (uint)_r.NextInt64(0, 1L << 32),
                OutputKind = _r.Next(10) < 6 ? OutputKind.Softmax : OutputKind.Sigmoid,
            };
            bool binary = m.OutputKind == OutputKind.Sigmoid && _r.Next(2) == 0;
            m.ClassCount = binary ? 2 : 2 + _r.Next(_r.Next(4) == 0 ? 11 : 5);
            int outputs = binary ? 1 : m.ClassCount;
            if (_r.Next(3) != 0)
            {
                m.ClassNames = Enumerable.Range(0, m.ClassCount).Select(k => k == 1 && _r.Next(2) == 0 ? "Gr\u00f6\u00dfe" : "class" + k).ToArray();
            }

            int family = _r.Next(5);
            (_c, _h, _w) = family switch
            {
                0 => (1 + _r.Next(40), 1, 1),                        // narrow Dense chain
                1 => (128 + _r.Next(300), 1, 1),                     // wide Dense: full-range weights force SWAR2
                2 => (1 + _r.Next(4), 1, 6 + _r.Next(30)),            // 1-D convolution
                _ => (1 + _r.Next(3), 3 + _r.Next(10), 3 + _r.Next(10)), // 2-D convolution
            };
            BuildInput(m, _c * _h * _w);
            if (family >= 2)
            {
                BuildConvolutions(outputs);
            }

            if (_layers.Count == 0 || _layers[^1].OutputLength != outputs)
            {
                for (int hidden = _r.Next(3); hidden > 0; hidden--)
                {
                    AddDense(1 + _r.Next(family == 1 ? 40 : 24), wide: family == 1 && hidden == 1);
                }

                AddDense(outputs, wide: false);
            }

            m.Layers = _layers.ToArray();
            m.OutputTable = m.OutputKind == OutputKind.Softmax ? SoftmaxTable() : SigmoidTable();
            return m;
        }

        private void BuildInput(ModelDefinition m, int n)
        {
            m.InputFractionBits = _r.Next(25);
            if (_r.Next(3) == 0)
            {
                m.FeatureCount = 1 + _r.Next(n + 8);
                m.InputGather = Enumerable.Range(0, n).Select(_ => (short)_r.Next(m.FeatureCount)).ToArray();
            }
            else
            {
                m.FeatureCount = n;
            }

            m.InputOffset = new int[n];
            m.InputMultiplier = new int[n];
            m.InputShift = new int[n];
            m.InputZeroPoint = new int[n];
            for (int j = 0; j < n; j++)
            {
                int kind = _r.Next(20);
                m.InputOffset[j] = kind == 0 ? _r.Next(int.MinValue, int.MaxValue) : _r.Next(-50_000, 50_000);
                m.InputShift[j] = kind == 1 ? 0 : _r.Next(0, 41);
                m.InputMultiplier[j] = kind switch
                {
                    2 => 0,
                    3 => ModelValidator.MaxInputMultiplier,
                    _ => _r.Next(1, 1 << 30),
                };
                m.InputZeroPoint[j] = _r.Next(-128, 128);
            }
        }

        private void BuildConvolutions(int outputs)
        {
            for (int k = 1 + _r.Next(3); k > 0; k--)
            {
                if (_h * _w > 1 && _r.Next(10) < 3)
                {
                    AddPool();
                }
                else
                {
                    AddConv(-1);
                }
            }

            if (_r.Next(2) == 0)
            {
                AddConv(outputs);
                AddGlobalPool();
            }
        }

        private int[] SoftmaxTable()
        {
            double s = 0.01 + (_r.NextDouble() * 0.5);
            int[] t = Enumerable.Range(0, 256).Select(d => (int)Math.Round(65536 * Math.Exp(-d * s))).ToArray();
            t[0] = 65536;
            return t;
        }

        private int[] SigmoidTable()
        {
            double s = 0.005 + (_r.NextDouble() * 0.2);
            int zp = _r.Next(-128, 128);
            return Enumerable.Range(0, 256).Select(k => (int)Math.Round(32768 / (1 + Math.Exp(-s * (k - 128 - zp))))).ToArray();
        }
    }
}
