using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// Generic int8 2-D convolution (1-D as height 1) with stride, dilation, padding and groups (depthwise included).
    /// <para>Contract: out[oc, oy, ox] = clamp(requant(Bias[oc] + sum_{ic,ky,kx} W[oc, ic, ky, kx] *
    /// (x[c, y, x] - zp_in[c]))) with c = group * in/groups + ic, y = oy*sh - pad_top + ky*dh, x = ox*sw - pad_left +
    /// kx*dw; out-of-bounds taps read zp_in[c] (real zero), which is ONNX Conv's zero padding. Requantization and
    /// rounding as in <see cref="Requantizer"/> (round half up, clamp to the fused activation). No allocation.</para>
    /// <para>Per output position and group the receptive field is gathered (im2col) into the long scratch buffer -
    /// through the precomputed <see cref="PreparedLayer.TapOffsets"/> when the window is inside the input, tap by tap
    /// with bounds checks at the borders - then multiplied with SWAR-packed rows (<see cref="SwarPacker"/>), so the
    /// gather is shared by all output channels of the group. SWAR3 lanes are requantized inline.</para>
    /// </summary>
    public static class ConvKernel
    {
        /// <summary>Runs the layer.</summary>
        /// <param name="p">Prepared layer.</param>
        /// <param name="input">int8 input, CHW.</param>
        /// <param name="output">int8 output, CHW.</param>
        /// <param name="patch">Scratch of at least <see cref="PreparedLayer.ScratchLength"/> longs.</param>
        public static void Run(PreparedLayer p, sbyte[] input, sbyte[] output, long[] patch)
        {
            LayerDefinition l = p.Definition;
            int inH = l.InHeight, inW = l.InWidth, outH = l.OutHeight, outW = l.OutWidth;
            int kh = l.KernelHeight, kw = l.KernelWidth, dh = l.DilationHeight, dw = l.DilationWidth;
            int sh = l.StrideHeight, sw = l.StrideWidth, padTop = l.PadTop, padLeft = l.PadLeft;
            int groups = l.Groups, inPerGroup = l.InChannels / groups, outPerGroup = l.OutChannels / groups;
            int plane = outH * outW, inPlane = inH * inW, taps = inPerGroup * kh * kw;
            int spanH = ((kh - 1) * dh) + 1, spanW = ((kw - 1) * dw) + 1;
            int[] zp = l.InputZeroPoints, offsets = p.TapOffsets;
            bool inline3 = p.RoundingWithZeroPoint != null;
            for (int oy = 0; oy < outH; oy++)
            {
                int y0 = (oy * sh) - padTop;
                for (int ox = 0; ox < outW; ox++)
                {
                    int x0 = (ox * sw) - padLeft;
                    bool inside = y0 >= 0 && x0 >= 0 && y0 + spanH <= inH && x0 + spanW <= inW;
                    for (int g = 0; g < groups; g++)
                    {
                        if (inside)
                        {
                            int origin = (g * inPerGroup * inPlane) + (y0 * inW) + x0;
                            for (int k = 0; k < taps; k++)
                            {
                                patch[k] = input[origin + offsets[k]];
                            }
                        }
                        else
                        {
                            GatherPadded(input, patch, zp, g * inPerGroup, inPerGroup, inH, inW, y0, x0, kh, kw, dh, dw);
                        }

                        int position = (oy * outW) + ox;
                        if (inline3)
                        {
                            Dot3(p, patch, g, outPerGroup, output, plane, position);
                        }
                        else
                        {
                            DotLaneWriter(p, patch, g, outPerGroup, output, plane, position);
                        }
                    }
                }
            }
        }

        /// <summary>Gathers one receptive field with bounds checks: out-of-bounds taps read the channel zero point.</summary>
        /// <param name="input">int8 input, CHW.</param>
        /// <param name="patch">Destination, taps in packed-weight order.</param>
        /// <param name="zp">Input zero point per channel.</param>
        /// <param name="firstChannel">First input channel of the group.</param>
        /// <param name="channels">Input channels per group.</param>
        /// <param name="inH">Input height.</param>
        /// <param name="inW">Input width.</param>
        /// <param name="y0">Window top row (may be negative).</param>
        /// <param name="x0">Window left column (may be negative).</param>
        /// <param name="kh">Kernel height.</param>
        /// <param name="kw">Kernel width.</param>
        /// <param name="dh">Vertical dilation.</param>
        /// <param name="dw">Horizontal dilation.</param>
        public static void GatherPadded(sbyte[] input, long[] patch, int[] zp, int firstChannel, int channels, int inH, int inW, int y0, int x0, int kh, int kw, int dh, int dw)
        {
            int k = 0;
            for (int ic = 0; ic < channels; ic++)
            {
                int c = firstChannel + ic;
                int pad = zp[c];
                for (int ky = 0; ky < kh; ky++)
                {
                    int y = y0 + (ky * dh);
                    bool rowInside = y >= 0 && y < inH;
                    int rowBase = ((c * inH) + y) * inW;
                    for (int kx = 0; kx < kw; kx++, k++)
                    {
                        int xx = x0 + (kx * dw);
                        patch[k] = rowInside && xx >= 0 && xx < inW ? input[rowBase + xx] : pad;
                    }
                }
            }
        }

        private static void Dot3(PreparedLayer p, long[] patch, int g, int outPerGroup, sbyte[] output, int plane, int position)
        {
            long[] w = p.PackedWeights, bias = p.PackedBias, m = p.Multiplier, r = p.RoundingWithZeroPoint;
            int[] s = p.Shift;
            int stride = p.Stride, whole = stride & ~7, perGroup = p.RowGroupsPerGroup;
            long lo = p.ActivationMin, hi = p.ActivationMax;
            int o = g * outPerGroup, end = o + outPerGroup;
            int at = (o * plane) + position;
            int t = g * perGroup;
            int j = t * stride;
            unchecked
            {
                for (int last = t + perGroup; t < last; t++)
                {
                    long acc = bias[t];
                    int i = 0;
                    for (; i < whole; i += 8, j += 8)
                    {
                        acc += (patch[i] * w[j]) + (patch[i + 1] * w[j + 1]) + (patch[i + 2] * w[j + 2]) + (patch[i + 3] * w[j + 3])
                            + (patch[i + 4] * w[j + 4]) + (patch[i + 5] * w[j + 5]) + (patch[i + 6] * w[j + 6]) + (patch[i + 7] * w[j + 7]);
                    }

                    for (; i < stride; i++, j++)
                    {
                        acc += patch[i] * w[j];
                    }

                    long l = (acc << 43) >> 43;
                    long v = (((l * m[o]) + r[o]) >> s[o]);
                    output[at] = (sbyte)(v < lo ? lo : (v > hi ? hi : v));
                    at += plane;
                    if (++o == end)
                    {
                        break;
                    }

                    acc = (acc - l) >> 21;
                    l = (acc << 43) >> 43;
                    v = (((l * m[o]) + r[o]) >> s[o]);
                    output[at] = (sbyte)(v < lo ? lo : (v > hi ? hi : v));
                    at += plane;
                    if (++o == end)
                    {
                        break;
                    }

                    acc = (acc - l) >> 21;
                    v = (((acc * m[o]) + r[o]) >> s[o]);
                    output[at] = (sbyte)(v < lo ? lo : (v > hi ? hi : v));
                    at += plane;
                    o++;
                }
            }
        }

        private static void DotLaneWriter(PreparedLayer p, long[] patch, int g, int outPerGroup, sbyte[] output, int plane, int position)
        {
            long[] w = p.PackedWeights, bias = p.PackedBias;
            int stride = p.Stride, whole = stride & ~7, perGroup = p.RowGroupsPerGroup;
            int rowEnd = (g + 1) * outPerGroup;
            unchecked
            {
                for (int t = 0; t < perGroup; t++)
                {
                    int row = g * perGroup;
                    long acc = bias[row + t];
                    int j = (row + t) * stride;
                    int i = 0;
                    for (; i < whole; i += 8, j += 8)
                    {
                        acc += (patch[i] * w[j]) + (patch[i + 1] * w[j + 1]) + (patch[i + 2] * w[j + 2]) + (patch[i + 3] * w[j + 3])
                            + (patch[i + 4] * w[j + 4]) + (patch[i + 5] * w[j + 5]) + (patch[i + 6] * w[j + 6]) + (patch[i + 7] * w[j + 7]);
                    }

                    for (; i < stride; i++, j++)
                    {
                        acc += patch[i] * w[j];
                    }

                    LaneWriter.Write(p, acc, (g * outPerGroup) + (t * p.Lanes), rowEnd, output, plane, position);
                }
            }
        }
    }
}
