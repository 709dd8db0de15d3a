using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// Kernels of a model with 16-bit activations (<see cref="LayerDefinition.WideOutput"/>): int16 activations, int8
    /// weights read as they are (no SWAR packing: 16-bit inputs would overflow 21-bit lanes), int32 accumulators.
    /// <para>Contract. Dense: out[o] = requant(Bias'[o] + sum_i W[o, i] x[i]) with Bias' = Bias - sum_i W[o, i] zp(i)
    /// (<see cref="SwarPacker.FoldedBias"/>; zp = 0 after a 16-bit layer). Conv: as <see cref="ConvKernel"/>,
    /// out-of-bounds taps read zp_in[c] (real zero). Pools: as <see cref="PoolKernel"/>. Requantization and rounding as
    /// <see cref="Requantizer"/> (round half up), clamped to [ActivationMin, ActivationMax]: within
    /// [-32767, 32767] for a 16-bit layer, int8 for the last layer. The accumulator is exact in int32 because every
    /// row's accumulator range over the input box is checked at load (<see cref="SwarPacker.PrepareWide"/>). Reference:
    /// TFLite's 16x8 quantization (int16 activations, int8 weights), with this project's own rounding rule. No
    /// allocation.</para>
    /// </summary>
    public static class WideKernels
    {
        /// <summary>Runs a Dense layer.</summary>
        /// <param name="p">Layer prepared by <see cref="SwarPacker.PrepareWide"/>.</param>
        /// <param name="input">int16 input.</param>
        /// <param name="output">int16 output.</param>
        public static void Dense(PreparedLayer p, short[] input, short[] output)
        {
            long[] bias = p.PackedBias;
            int n = p.Stride, outC = p.OutChannels;
            for (int o = 0; o < outC; o++)
            {
                Requantizer.StoreWide(p, bias[o] + Dot(input, p.Int8Weights, o * n, n), o, output, o);
            }
        }

        /// <summary>Runs a Conv layer (any stride, dilation, padding and groups): per output position and group the
        /// receptive field is gathered once into <paramref name="patch"/> (out-of-bounds taps read the channel's zero
        /// point), then every output channel of the group is one dot product with its int8 row.</summary>
        /// <param name="p">Layer prepared by <see cref="SwarPacker.PrepareWide"/>.</param>
        /// <param name="input">int16 input, CHW.</param>
        /// <param name="output">int16 output, CHW.</param>
        /// <param name="patch">Scratch of at least WeightsPerOutput elements.</param>
        public static void Conv(PreparedLayer p, short[] input, short[] output, short[] patch)
        {
            LayerDefinition l = p.Definition;
            int inH = l.InHeight, inW = l.InWidth, outH = l.OutHeight, outW = l.OutWidth;
            int kh = l.KernelHeight, kw = l.KernelWidth, dh = l.DilationHeight, dw = l.DilationWidth;
            int sh = l.StrideHeight, sw = l.StrideWidth, padTop = l.PadTop, padLeft = l.PadLeft;
            int groups = l.Groups, inPerGroup = l.InChannels / groups, outPerGroup = l.OutChannels / groups;
            int plane = outH * outW, taps = p.Stride;
            int[] zp = l.InputZeroPoints;
            sbyte[] w = p.Int8Weights;
            long[] bias = p.PackedBias;
            for (int oy = 0; oy < outH; oy++)
            {
                int y0 = (oy * sh) - padTop;
                for (int ox = 0; ox < outW; ox++)
                {
                    int x0 = (ox * sw) - padLeft, position = (oy * outW) + ox;
                    for (int g = 0; g < groups; g++)
                    {
                        int k = 0;
                        for (int ic = 0; ic < inPerGroup; ic++)
                        {
                            int c = (g * inPerGroup) + ic;
                            for (int ky = 0; ky < kh; ky++)
                            {
                                int y = y0 + (ky * dh);
                                bool rowInside = y >= 0 && y < inH;
                                int rowBase = ((c * inH) + y) * inW;
                                for (int kx = 0; kx < kw; kx++, k++)
                                {
                                    int x = x0 + (kx * dw);
                                    patch[k] = rowInside && x >= 0 && x < inW ? input[rowBase + x] : (short)zp[c];
                                }
                            }
                        }

                        for (int oc = g * outPerGroup; oc < (g + 1) * outPerGroup; oc++)
                        {
                            Requantizer.StoreWide(p, bias[oc] + Dot(patch, w, oc * taps, taps), oc, output, (oc * plane) + position);
                        }
                    }
                }
            }
        }

        /// <summary>sum_i x[i] * w[row + i] for i in [0, n): blocks of 8, one of 4, then one by one; wrapping int arithmetic is exact because
        /// the layer's accumulators are checked to stay in int32.</summary>
        /// <param name="x">int16 values.</param>
        /// <param name="w">int8 rows.</param>
        /// <param name="row">First weight of the row.</param>
        /// <param name="n">Row length.</param>
        /// <returns>The dot product.</returns>
        private static int Dot(short[] x, sbyte[] w, int row, int n)
        {
            int acc = 0, i = 0, j = row, whole = n & ~7;
            unchecked
            {
                for (; i < whole; i += 8, j += 8)
                {
                    acc += (x[i] * w[j]) + (x[i + 1] * w[j + 1]) + (x[i + 2] * w[j + 2]) + (x[i + 3] * w[j + 3])
                        + (x[i + 4] * w[j + 4]) + (x[i + 5] * w[j + 5]) + (x[i + 6] * w[j + 6]) + (x[i + 7] * w[j + 7]);
                }

                if (n - i >= 4)
                {
                    acc += (x[i] * w[j]) + (x[i + 1] * w[j + 1]) + (x[i + 2] * w[j + 2]) + (x[i + 3] * w[j + 3]);
                    i += 4;
                    j += 4;
                }

                for (; i < n; i++, j++)
                {
                    acc += x[i] * w[j];
                }
            }

            return acc;
        }

        /// <summary>Runs a max or average pool (the output keeps the input's scale and zero point): the loop of
        /// <see cref="PoolKernel"/> over int16 arrays (no generics on nanoFramework; the property tests hold both to the
        /// one reference).</summary>
        /// <param name="l">The pooling layer.</param>
        /// <param name="input">int16 input, CHW.</param>
        /// <param name="output">int16 output, CHW.</param>
        public static void Pool(LayerDefinition l, short[] input, short[] output)
        {
            bool isMax = l.Kind == LayerKind.MaxPool;
            int inH = l.InHeight, inW = l.InWidth, outH = l.OutHeight, outW = l.OutWidth;
            int kh = l.KernelHeight, kw = l.KernelWidth, sh = l.StrideHeight, sw = l.StrideWidth;
            int padTop = l.PadTop, padLeft = l.PadLeft;
            int lo = l.ActivationMin, hi = l.ActivationMax, window = kh * kw;
            bool includePad = l.CountIncludePad != 0;
            int[] zp = l.InputZeroPoints;
            for (int c = 0; c < l.InChannels; c++)
            {
                for (int oy = 0; oy < outH; oy++)
                {
                    for (int ox = 0; ox < outW; ox++)
                    {
                        int y0 = (oy * sh) - padTop, x0 = (ox * sw) - padLeft;
                        int best = int.MinValue, sum = 0, count = 0;
                        for (int ky = 0; ky < kh; ky++)
                        {
                            int y = y0 + ky;
                            for (int kx = 0; kx < kw; kx++)
                            {
                                int x = x0 + kx;
                                if (y < 0 || y >= inH || x < 0 || x >= inW)
                                {
                                    sum += includePad ? zp[c] : 0;
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
                        output[(((c * outH) + oy) * outW) + ox] = (short)result;
                    }
                }
            }
        }
    }
}
