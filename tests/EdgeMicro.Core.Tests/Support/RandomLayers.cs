using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Tests.Support;

/// <summary>Layer construction of the random model generator (see RandomModels.cs).</summary>
public static partial class RandomModels
{
    private sealed partial class Generator
    {
        private const int MaxActivationElements = 3000;

        private void AddDense(int outputs, bool wide)
        {
            LayerDefinition l = Begin(LayerKind.Dense);
            SetOutput(l, outputs, 1, 1);
            l.InputZeroPoints = Enumerable.Range(0, l.InputLength).Select(_ => _r.Next(-128, 128)).ToArray();
            AddWeights(l, l.InputLength, forceFullRange: wide);
            Finish(l);
        }

        private void AddConv(int fixedOutChannels)
        {
            for (int attempt = 0; attempt < 100; attempt++)
            {
                bool oneD = _h == 1;
                LayerDefinition l = Begin(LayerKind.Conv);
                l.KernelHeight = oneD ? 1 : 1 + _r.Next(3);
                l.KernelWidth = 1 + _r.Next(4);
                l.DilationHeight = oneD ? 1 : 1 + _r.Next(3);
                l.DilationWidth = 1 + _r.Next(3);
                l.StrideHeight = oneD ? 1 : 1 + _r.Next(3);
                l.StrideWidth = 1 + _r.Next(3);
                l.PadTop = oneD ? 0 : _r.Next(3);
                l.PadBottom = oneD ? 0 : _r.Next(3);
                l.PadLeft = _r.Next(4);
                l.PadRight = _r.Next(4);
                int outH = OutSize(_h, l.KernelHeight, l.DilationHeight, l.StrideHeight, l.PadTop, l.PadBottom);
                int outW = OutSize(_w, l.KernelWidth, l.DilationWidth, l.StrideWidth, l.PadLeft, l.PadRight);
                if (outH < 1 || outW < 1)
                {
                    continue;
                }

                int[] divisors = Enumerable.Range(1, _c).Where(g => _c % g == 0 && (fixedOutChannels < 0 || fixedOutChannels % g == 0)).ToArray();
                int groups = divisors[_r.Next(divisors.Length)];
                int outC = fixedOutChannels;
                if (outC < 0)
                {
                    bool depthwise = _c > 1 && _r.Next(10) < 3;
                    groups = depthwise ? _c : groups;
                    outC = depthwise ? _c * (1 + _r.Next(2)) : groups * (1 + _r.Next(Math.Max(1, 8 / groups)));
                }

                if (outC * outH * outW > MaxActivationElements)
                {
                    continue;
                }

                l.Groups = groups;
                SetOutput(l, outC, outH, outW);
                l.InputZeroPoints = Enumerable.Range(0, l.InChannels).Select(_ => _r.Next(-128, 128)).ToArray();
                AddWeights(l, (l.InChannels / groups) * l.KernelHeight * l.KernelWidth, forceFullRange: false);
                Finish(l);
                return;
            }

            throw new InvalidOperationException("no convolution fits " + _c + "x" + _h + "x" + _w);
        }

        private void AddPool()
        {
            for (int attempt = 0; attempt < 100; attempt++)
            {
                LayerDefinition l = Begin(_r.Next(2) == 0 ? LayerKind.MaxPool : LayerKind.AveragePool);
                l.CountIncludePad = _r.Next(2);
                l.KernelHeight = _h == 1 ? 1 : 1 + _r.Next(3);
                l.KernelWidth = 1 + _r.Next(3);
                l.StrideHeight = _h == 1 ? 1 : 1 + _r.Next(3);
                l.StrideWidth = 1 + _r.Next(3);

                // Pads below the kernel, except for an average counting the padding (a Pad node merged by the
                // importer), where whole windows of padding are defined and allowed.
                int extra = l.Kind == LayerKind.AveragePool && l.CountIncludePad != 0 ? 2 : 0;
                l.PadTop = _r.Next(l.KernelHeight + (_h == 1 ? 0 : extra));
                l.PadBottom = _r.Next(l.KernelHeight + (_h == 1 ? 0 : extra));
                l.PadLeft = _r.Next(l.KernelWidth + extra);
                l.PadRight = _r.Next(l.KernelWidth + extra);
                int outH = OutSize(_h, l.KernelHeight, 1, l.StrideHeight, l.PadTop, l.PadBottom);
                int outW = OutSize(_w, l.KernelWidth, 1, l.StrideWidth, l.PadLeft, l.PadRight);
                if (outH >= 1 && outW >= 1)
                {
                    FinishPool(l, outH, outW);
                    return;
                }
            }

            AddConv(-1);
        }

        private void AddGlobalPool()
        {
            LayerDefinition l = Begin(_r.Next(2) == 0 ? LayerKind.MaxPool : LayerKind.AveragePool);
            l.KernelHeight = _h;
            l.KernelWidth = _w;
            l.StrideHeight = 1;
            l.StrideWidth = 1;
            l.CountIncludePad = _r.Next(2);
            FinishPool(l, 1, 1);
        }

        private void FinishPool(LayerDefinition l, int outH, int outW)
        {
            l.InputZeroPoints = Enumerable.Range(0, l.InChannels).Select(_ => _r.Next(-128, 128)).ToArray();
            SetOutput(l, _c, outH, outW);
            l.OutputZeroPoint = _r.Next(-128, 128);
            if (_r.Next(2) == 0)
            {
                (l.ActivationMin, l.ActivationMax) = (_min, _max);
            }

            Finish(l);
        }

        private LayerDefinition Begin(int kind) => new()
        {
            Kind = kind,
            InChannels = _c,
            InHeight = _h,
            InWidth = _w,
            InputMin = _min,
            InputMax = _max,
        };

        private void SetOutput(LayerDefinition l, int c, int h, int w)
        {
            (l.OutChannels, l.OutHeight, l.OutWidth) = (c, h, w);
            l.OutputZeroPoint = _r.Next(4) == 0 ? 0 : _r.Next(-128, 128);
            switch (_r.Next(3))
            {
                case 0: // ReLU fused into the clamp
                    (l.ActivationMin, l.ActivationMax) = (l.OutputZeroPoint, 127);
                    break;
                case 1:
                    (l.ActivationMin, l.ActivationMax) = (-128, 127);
                    break;
                default:
                    int a = _r.Next(-128, 128);
                    (l.ActivationMin, l.ActivationMax) = (a, _r.Next(a, 128));
                    break;
            }
        }

        private void AddWeights(LayerDefinition l, int perOutput, bool forceFullRange)
        {
            int magnitude = forceFullRange || _r.Next(3) != 0 ? 127 : 1 + _r.Next(16);
            l.Weights = new sbyte[perOutput * l.OutChannels];
            for (int i = 0; i < l.Weights.Length; i++)
            {
                int v = _r.Next(6) == 0 ? 0 : _r.Next(-magnitude, magnitude + 1);
                l.Weights[i] = (sbyte)(v == -127 && _r.Next(2) == 0 ? -128 : v);
            }

            int oc = l.OutChannels;
            l.Bias = new int[oc];
            l.Multiplier = new int[oc];
            l.Shift = new int[oc];
            bool leaky = _r.Next(10) < 3;
            l.NegativeMultiplier = leaky ? new int[oc] : null;
            l.NegativeShift = leaky ? new int[oc] : null;
            int inPerGroup = l.Kind == LayerKind.Conv ? l.InChannels / l.Groups : 0;
            int area = l.KernelHeight * l.KernelWidth;
            for (int o = 0; o < oc; o++)
            {
                double worst = 0, typical = 0;
                for (int i = 0; i < perOutput; i++)
                {
                    int zp = l.Kind == LayerKind.Dense ? l.InputZeroPoints[i] : l.InputZeroPoints[(o / (oc / l.Groups) * inPerGroup) + (i / area)];
                    int w = Math.Abs((int)l.Weights[(o * perOutput) + i]);
                    worst += w * (double)Math.Max(Math.Abs(l.InputMin - zp), Math.Abs(l.InputMax - zp));
                    typical += w * w * 64.0 * 64.0;
                }

                long room = int.MaxValue - (long)Math.Ceiling(worst) - 1;
                long spread = _r.Next(10) == 0 ? room : Math.Min(room, (long)(4 * Math.Sqrt(typical)) + 16);
                l.Bias[o] = (int)_r.NextInt64(-spread, spread + 1);
                double scale = Math.Max(1, Math.Sqrt(typical) + (Math.Abs(l.Bias[o]) / 4.0));
                int shift = _r.Next(7) == 0 ? _r.Next(20, 46) : Math.Clamp((int)Math.Round(Math.Log2(scale)) + 24 + _r.Next(-2, 3), 20, 45);
                l.Multiplier[o] = (int)_r.NextInt64(1L << 30, 1L << 31);
                l.Shift[o] = shift;
                if (leaky)
                {
                    l.NegativeMultiplier![o] = (int)_r.NextInt64(1L << 30, 1L << 31);
                    l.NegativeShift![o] = Math.Min(62, shift + _r.Next(0, 5));
                }
            }
        }

        private void Finish(LayerDefinition l)
        {
            _layers.Add(l);
            (_c, _h, _w, _min, _max) = (l.OutChannels, l.OutHeight, l.OutWidth, l.ActivationMin, l.ActivationMax);
        }

        private static int OutSize(int input, int kernel, int dilation, int stride, int padBefore, int padAfter)
        {
            int span = (dilation * (kernel - 1)) + 1;
            int room = input + padBefore + padAfter - span;
            return room < 0 ? 0 : (room / stride) + 1;
        }
    }
}
