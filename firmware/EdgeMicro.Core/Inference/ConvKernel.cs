using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// Generic int8 2-D convolution (1-D as height 1) with stride, dilation, padding and groups (depthwise included).
    /// <para>Contract: out[oc, oy, ox] = clamp(requant(Bias[oc] + sum_{ic,ky,kx} W[oc, ic, ky, kx] *
    /// (x[c, y, x] - zp_in[c]))) with c = group * in/groups + ic, y = oy*sh - pad_top + ky*dh, x = ox*sw - pad_left +
    /// kx*dw; out-of-bounds taps read zp_in[c] (real zero), which is ONNX Conv's zero padding. Requantization as in
    /// <see cref="Requantizer"/>. Per output position the receptive field is gathered (im2col) into the long scratch
    /// buffer and multiplied with SWAR-packed rows (<see cref="SwarPacker"/>). No allocation.</para>
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
            int inH = l.InHeight, inW = l.InWidth;
            int outH = l.OutHeight, outW = l.OutWidth;
            int kh = l.KernelHeight, kw = l.KernelWidth;
            int inPerGroup = l.InChannels / l.Groups;
            int outPerGroup = l.OutChannels / l.Groups;
            int plane = outH * outW;
            int[] zp = l.InputZeroPoints;
            long[] w = p.PackedWeights;
            long[] bias = p.PackedBias;
            int stride = p.Stride;
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++)
                {
                    int y0 = (oy * l.StrideHeight) - l.PadTop;
                    int x0 = (ox * l.StrideWidth) - l.PadLeft;
                    int position = (oy * outW) + ox;
                    for (int g = 0; g < l.Groups; g++)
                    {
                        int k = 0;
                        for (int ic = 0; ic < inPerGroup; ic++)
                        {
                            int c = (g * inPerGroup) + ic;
                            int pad = zp[c];
                            int channelBase = c * inH;
                            for (int ky = 0; ky < kh; ky++)
                            {
                                int y = y0 + (ky * l.DilationHeight);
                                bool rowInside = y >= 0 && y < inH;
                                int rowBase = (channelBase + y) * inW;
                                for (int kx = 0; kx < kw; kx++, k++)
                                {
                                    int xx = x0 + (kx * l.DilationWidth);
                                    patch[k] = rowInside && xx >= 0 && xx < inW ? input[rowBase + xx] : pad;
                                }
                            }
                        }

                        int firstGroup = g * p.RowGroupsPerGroup;
                        int rowEnd = (g + 1) * outPerGroup;
                        unchecked
                        {
                            for (int t = 0; t < p.RowGroupsPerGroup; t++)
                            {
                                long acc = bias[firstGroup + t];
                                int j = (firstGroup + t) * stride;
                                for (int i = 0; i < stride; i += 8, j += 8)
                                {
                                    acc += (patch[i] * w[j]) + (patch[i + 1] * w[j + 1]) + (patch[i + 2] * w[j + 2]) + (patch[i + 3] * w[j + 3])
                                        + (patch[i + 4] * w[j + 4]) + (patch[i + 5] * w[j + 5]) + (patch[i + 6] * w[j + 6]) + (patch[i + 7] * w[j + 7]);
                                }

                                LaneWriter.Write(p, acc, (g * outPerGroup) + (t * p.Lanes), rowEnd, output, plane, position);
                            }
                        }
                    }
                }
            }
        }
    }
}
