using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// int8 max and average pooling; the output keeps the input scale and zero point.
    /// <para>Contract. Max: out = max over in-bounds taps (padding never wins; ONNX MaxPool). Average: s = sum over
    /// the window where out-of-bounds taps read zp_in[c] (real zero), d = window size when CountIncludePad, else the
    /// in-bounds count (padded taps then contribute nothing); out = s / d rounded half away from zero
    /// ((s + d/2) / d for s &gt;= 0, (s - d/2) / d otherwise, truncating division); both clamp to
    /// [ActivationMin, ActivationMax] (a fused ReLU after the pool).</para>
    /// </summary>
    public static class PoolKernel
    {
        /// <summary>Runs the layer.</summary>
        /// <param name="l">The pooling layer.</param>
        /// <param name="input">int8 input, CHW.</param>
        /// <param name="output">int8 output, CHW.</param>
        public static void Run(LayerDefinition l, sbyte[] input, sbyte[] output)
        {
            bool isMax = l.Kind == LayerKind.MaxPool;
            int inH = l.InHeight, inW = l.InWidth, outH = l.OutHeight, outW = l.OutWidth;
            int kh = l.KernelHeight, kw = l.KernelWidth, sh = l.StrideHeight, sw = l.StrideWidth;
            int padTop = l.PadTop, padLeft = l.PadLeft, channels = l.InChannels;
            int lo = l.ActivationMin, hi = l.ActivationMax;
            bool includePad = l.CountIncludePad != 0;
            int[] zp = l.InputZeroPoints;
            int window = kh * kw;
            for (int c = 0; c < channels; c++)
            {
                int pad = zp[c];
                for (int oy = 0; oy < outH; oy++)
                {
                    for (int ox = 0; ox < outW; ox++)
                    {
                        int y0 = (oy * sh) - padTop;
                        int x0 = (ox * sw) - padLeft;
                        int best = -129, sum = 0, count = 0;
                        for (int ky = 0; ky < kh; ky++)
                        {
                            int y = y0 + ky;
                            for (int kx = 0; kx < kw; kx++)
                            {
                                int x = x0 + kx;
                                if (y < 0 || y >= inH || x < 0 || x >= inW)
                                {
                                    sum += includePad ? pad : 0;
                                    continue;
                                }

                                int v = input[(((c * inH) + y) * inW) + x];
                                best = v > best ? v : best;
                                sum += v;
                                count++;
                            }
                        }

                        int result;
                        if (isMax)
                        {
                            result = best;
                        }
                        else
                        {
                            int d = includePad ? window : (count == 0 ? 1 : count);
                            result = sum >= 0 ? (sum + (d / 2)) / d : (sum - (d / 2)) / d;
                        }

                        result = result < lo ? lo : (result > hi ? hi : result);
                        output[(((c * outH) + oy) * outW) + ox] = (sbyte)result;
                    }
                }
            }
        }
    }
}
