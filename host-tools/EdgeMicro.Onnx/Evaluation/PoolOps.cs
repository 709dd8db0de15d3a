using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Onnx.Evaluation;

/// <summary>MaxPool, AveragePool and GlobalAveragePool over 1 or 2 spatial axes.</summary>
internal static class PoolOps
{
    /// <summary>MaxPool (pads never win) or AveragePool (count_include_pad).</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <param name="max">True for MaxPool.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor Pool(EvalContext ctx, OnnxNode node, bool max)
    {
        OnnxTensor x = ctx.Float(node, 0);
        if (x.Rank is not (3 or 4))
        {
            throw EvalContext.Fail(node, $"expects an input of rank 3 or 4 (got [{string.Join(", ", x.Dims)}]).");
        }

        if (max && node.Output(1).Length > 0)
        {
            throw EvalContext.Fail(node, "the Indices output is not supported.");
        }

        WindowGeometry g = WindowGeometry.Resolve(node, x.Dims[2..], null);
        bool includePad = !max && node.GetInt("count_include_pad", 0) != 0;
        bool twoD = x.Rank == 4;
        int planes = x.Dims[0] * x.Dims[1];
        int h = twoD ? x.Dims[2] : 1, w = x.Dims[^1];
        int kh = twoD ? g.Kernel[0] : 1, kw = g.Kernel[^1];
        int sh = twoD ? g.Strides[0] : 1, sw = g.Strides[^1];
        int dh = twoD ? g.Dilations[0] : 1, dw = g.Dilations[^1];
        int ph = twoD ? g.PadsBegin[0] : 0, pw = g.PadsBegin[^1];
        int padH = twoD ? ph + g.PadsEnd[0] : 0, padW = pw + g.PadsEnd[^1];
        int oh = twoD ? g.Output[0] : 1, ow = g.Output[^1];
        long[] outDims = twoD ? [x.Dims[0], x.Dims[1], oh, ow] : [x.Dims[0], x.Dims[1], ow];
        int count = ctx.Allocate(node, outDims);
        ctx.Charge((long)count * kh * kw);
        var y = new float[count];
        for (int p = 0; p < planes; p++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    double acc = max ? double.NegativeInfinity : 0;
                    int inside = 0, inPadded = 0;
                    for (int ky = 0; ky < kh; ky++)
                    {
                        long iy = ((long)oy * sh) - ph + ((long)ky * dh);
                        for (int kx = 0; kx < kw; kx++)
                        {
                            long ix = ((long)ox * sw) - pw + ((long)kx * dw);
                            if (iy >= -ph && iy < h + padH - ph && ix >= -pw && ix < w + padW - pw)
                            {
                                inPadded++;
                            }

                            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                            {
                                continue;
                            }

                            float v = x.FloatData[(((p * h) + (int)iy) * w) + (int)ix];
                            acc = max ? Math.Max(acc, v) : acc + v;
                            inside++;
                        }
                    }

                    if (!max)
                    {
                        int divisor = includePad ? inPadded : inside;
                        acc = divisor == 0 ? 0 : acc / divisor;
                    }

                    y[(((p * oh) + oy) * ow) + ox] = (float)acc;
                }
            }
        }

        return new OnnxTensor(node.Output(0), Array.ConvertAll(outDims, d => (int)d), y);
    }

    /// <summary>GlobalAveragePool: mean over all spatial axes, keeping them as size 1.</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor GlobalAverage(EvalContext ctx, OnnxNode node)
    {
        OnnxTensor x = ctx.Float(node, 0);
        if (x.Rank < 3)
        {
            throw EvalContext.Fail(node, $"expects an input of rank >= 3 (got [{string.Join(", ", x.Dims)}]).");
        }

        int planes = x.Dims[0] * x.Dims[1];
        int size = Broadcast.Product(x.Dims, 2, x.Rank);
        int[] outDims = x.Dims.Select((d, i) => i < 2 ? d : 1).ToArray();
        ctx.Charge(x.ElementCount);
        var y = new float[planes];
        for (int p = 0; p < planes; p++)
        {
            double acc = 0;
            for (int i = 0; i < size; i++)
            {
                acc += x.FloatData[(p * size) + i];
            }

            y[p] = size == 0 ? 0 : (float)(acc / size);
        }

        return new OnnxTensor(node.Output(0), outDims, y);
    }
}
