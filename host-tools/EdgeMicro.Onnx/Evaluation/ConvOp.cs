using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Onnx.Evaluation;

/// <summary>Conv over 1 or 2 spatial axes (pads, auto_pad, strides, dilations, groups).</summary>
internal static class ConvOp
{
    /// <summary>Evaluates a Conv node: X [N, C, (H,) W], W [M, C/group, (kH,) kW], optional B [M].</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor Evaluate(EvalContext ctx, OnnxNode node)
    {
        OnnxTensor x = ctx.Float(node, 0);
        OnnxTensor w = ctx.Float(node, 1);
        OnnxTensor? b = ctx.OptionalInput(node, 2);
        if (x.Rank is not (3 or 4) || w.Rank != x.Rank)
        {
            throw EvalContext.Fail(node, $"expects X of rank 3 or 4 and W of the same rank (got [{string.Join(", ", x.Dims)}], [{string.Join(", ", w.Dims)}]).");
        }

        int group = node.GetBoundedInt("group", 1, 1, ImportLimits.MaxElements);
        int n = x.Dims[0], c = x.Dims[1], m = w.Dims[0];
        if (c % group != 0 || m % group != 0 || w.Dims[1] != c / group)
        {
            throw EvalContext.Fail(node, $"{c} input channels, {m} output channels, group {group} and weights [{string.Join(", ", w.Dims)}] do not fit.");
        }

        if (b != null && (b.DataType != OnnxDataType.Float || b.Rank != 1 || b.ElementCount != m))
        {
            throw EvalContext.Fail(node, $"bias must have shape [{m}].");
        }

        WindowGeometry g = WindowGeometry.Resolve(node, x.Dims[2..], w.Dims[2..]);
        bool twoD = x.Rank == 4;
        int h = twoD ? x.Dims[2] : 1, wd = x.Dims[^1];
        int kh = twoD ? g.Kernel[0] : 1, kw = g.Kernel[^1];
        int sh = twoD ? g.Strides[0] : 1, sw = g.Strides[^1];
        int dh = twoD ? g.Dilations[0] : 1, dw = g.Dilations[^1];
        int ph = twoD ? g.PadsBegin[0] : 0, pw = g.PadsBegin[^1];
        int oh = twoD ? g.Output[0] : 1, ow = g.Output[^1];
        long[] outDims = twoD ? [n, m, oh, ow] : [n, m, ow];
        int count = ctx.Allocate(node, outDims);
        int cg = c / group, mg = m / group;
        ctx.Charge((long)count * cg * kh * kw);
        var y = new float[count];
        float[] xd = x.FloatData, wdata = w.FloatData;
        for (int bi = 0; bi < n; bi++)
        {
            for (int oc = 0; oc < m; oc++)
            {
                int firstChannel = oc / mg * cg;
                for (int oy = 0; oy < oh; oy++)
                {
                    for (int ox = 0; ox < ow; ox++)
                    {
                        float acc = b?.FloatData[oc] ?? 0;
                        for (int ic = 0; ic < cg; ic++)
                        {
                            int plane = ((bi * c) + firstChannel + ic) * h;
                            for (int ky = 0; ky < kh; ky++)
                            {
                                long iy = ((long)oy * sh) - ph + ((long)ky * dh);
                                if (iy < 0 || iy >= h)
                                {
                                    continue;
                                }

                                for (int kx = 0; kx < kw; kx++)
                                {
                                    long ix = ((long)ox * sw) - pw + ((long)kx * dw);
                                    if (ix < 0 || ix >= wd)
                                    {
                                        continue;
                                    }

                                    float weight = wdata[(((((oc * cg) + ic) * kh) + ky) * kw) + kx];
                                    acc += weight * xd[((plane + (int)iy) * wd) + (int)ix];
                                }
                            }
                        }

                        y[(((((bi * m) + oc) * oh) + oy) * ow) + ox] = acc;
                    }
                }
            }
        }

        return new OnnxTensor(node.Output(0), Array.ConvertAll(outDims, d => (int)d), y);
    }
}
