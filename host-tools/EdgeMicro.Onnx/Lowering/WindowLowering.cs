using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Onnx.Lowering;

/// <summary>Conv, MaxPool/AveragePool/GlobalAveragePool and constant zero Pad (merged into the next Conv/AveragePool).</summary>
internal static class WindowLowering
{
    /// <summary>Conv 1-D (Height 1) or 2-D with constant weights, merging a pending Pad.</summary>
    /// <param name="s">Session.</param>
    /// <param name="node">Node.</param>
    public static void Conv(LoweringSession s, OnnxNode node)
    {
        int[] shape = SpatialInput(s, node);
        OnnxTensor w = s.FloatConstant(node, 1)!;
        int group = node.GetBoundedInt("group", 1, 1, ImportLimits.MaxElements);
        int c = shape[1], m = w.Rank > 0 ? w.Dims[0] : 0;
        if (w.Rank != shape.Length || m == 0 || c % group != 0 || m % group != 0 || w.Dims[1] != c / group)
        {
            throw new OnnxImportException(
                $"Conv weights [{LoweringShapes.Text(w.Dims)}] with group {group} do not fit an input of {c} channels.");
        }

        var bias = new float[m];
        if (s.FloatConstant(node, 2) is { } b)
        {
            if (b.Rank != 1 || b.ElementCount != m)
            {
                throw new OnnxImportException($"Conv bias [{LoweringShapes.Text(b.Dims)}] is not [{m}].");
            }

            Array.Copy(b.FloatData, bias, m);
        }

        (WindowGeometry g, Pads pads, int[] outShape) = Resolve(s, node, shape, w.Dims[2..]);
        bool twoD = shape.Length == 4;
        var layer = new ConvLayer
        {
            Name = node.DisplayName,
            InputShape = LoweringShapes.Feature(shape),
            OutputShape = LoweringShapes.Feature(outShape),
            Weights = (float[])w.FloatData.Clone(),
            Bias = bias,
            KernelH = twoD ? g.Kernel[0] : 1,
            KernelW = g.Kernel[^1],
            StrideH = twoD ? g.Strides[0] : 1,
            StrideW = g.Strides[^1],
            DilationH = twoD ? g.Dilations[0] : 1,
            DilationW = g.Dilations[^1],
            PadTop = pads.Top,
            PadLeft = pads.Left,
            PadBottom = pads.Bottom,
            PadRight = pads.Right,
            Group = group,
        };
        AddWithPad(s, node, layer, outShape);
    }

    /// <summary>MaxPool (no dilations, no Indices output) or AveragePool, merging a pending Pad into AveragePool.</summary>
    /// <param name="s">Session.</param>
    /// <param name="node">Node.</param>
    public static void Pool(LoweringSession s, OnnxNode node)
    {
        int[] shape = SpatialInput(s, node);
        bool max = node.OpType == "MaxPool";
        if (max && node.Output(1).Length > 0)
        {
            throw new OnnxImportException("MaxPool with the Indices output is not supported.");
        }

        (WindowGeometry g, Pads pads, int[] outShape) = Resolve(s, node, shape, null);
        if (g.Dilations.Any(d => d != 1))
        {
            throw new OnnxImportException($"{node.OpType} with dilations is not supported.");
        }

        bool countIncludePad = node.GetInt("count_include_pad", 0) != 0;
        bool merged = s.Pad is { IsZero: false };
        if (!max && merged && !countIncludePad && g.HasPadding)
        {
            throw new OnnxImportException(
                "AveragePool with count_include_pad=0 and its own pads cannot absorb the preceding Pad (mixed padding semantics).");
        }

        bool twoD = shape.Length == 4;
        var layer = new PoolLayer
        {
            Name = node.DisplayName,
            Kind = max ? PoolKind.Max : PoolKind.Average,
            InputShape = LoweringShapes.Feature(shape),
            OutputShape = LoweringShapes.Feature(outShape),
            KernelH = twoD ? g.Kernel[0] : 1,
            KernelW = g.Kernel[^1],
            StrideH = twoD ? g.Strides[0] : 1,
            StrideW = g.Strides[^1],
            PadTop = pads.Top,
            PadLeft = pads.Left,
            PadBottom = pads.Bottom,
            PadRight = pads.Right,

            // Zeros merged from a Pad node are real values: with them every padded cell counts.
            CountIncludePad = !max && (countIncludePad || merged),
        };
        AddWithPad(s, node, layer, outShape);
    }

    /// <summary>GlobalAveragePool: an average pool whose kernel is the whole input plane.</summary>
    /// <param name="s">Session.</param>
    /// <param name="node">Node.</param>
    public static void GlobalAveragePool(LoweringSession s, OnnxNode node)
    {
        int[] shape = SpatialInput(s, node);
        FeatureShape input = LoweringShapes.Feature(shape);
        int[] outShape = shape.Select((d, i) => i < 2 ? d : 1).ToArray();
        var layer = new PoolLayer
        {
            Name = node.DisplayName,
            Kind = PoolKind.Average,
            InputShape = input,
            OutputShape = LoweringShapes.Feature(outShape),
            KernelH = input.Height,
            KernelW = input.Width,
            StrideH = 1,
            StrideW = 1,
            PadTop = 0,
            PadLeft = 0,
            PadBottom = 0,
            PadRight = 0,
            CountIncludePad = false,
        };
        s.AddLayer(node, layer, outShape);
    }

    /// <summary>Constant Pad with value 0 on the spatial axes: remembered for the next Conv/AveragePool.</summary>
    /// <param name="s">Session.</param>
    /// <param name="node">Node.</param>
    public static void Pad(LoweringSession s, OnnxNode node)
    {
        int[] shape = s.Shape!;
        if (node.GetString("mode", "constant") != "constant")
        {
            throw new OnnxImportException($"Pad mode '{node.GetString("mode", "")}' is not supported (only constant).");
        }

        if (s.FloatConstant(node, 2) is { } v && (v.ElementCount != 1 || v.FloatData[0] != 0f))
        {
            throw new OnnxImportException("Pad with a non-zero constant value is not supported.");
        }

        long[] pads = ReadPads(s, node);
        int r = shape.Length;
        if (pads.Length != 2 * r)
        {
            throw new OnnxImportException($"Pad has {pads.Length} pads for a rank-{r} tensor.");
        }

        if (pads.All(p => p == 0))
        {
            return; // a no-op wherever it is
        }

        if (pads.Any(p => p < 0 || p > ImportLimits.MaxWindowValue))
        {
            throw new OnnxImportException($"Pad pads [{string.Join(", ", pads)}] must be between 0 and {ImportLimits.MaxWindowValue}.");
        }

        if (r is not (3 or 4) || pads[0] != 0 || pads[1] != 0 || pads[r] != 0 || pads[r + 1] != 0)
        {
            throw new OnnxImportException(
                $"Pad pads [{string.Join(", ", pads)}] must pad only the spatial axes of a [1, C, (H,) W] tensor.");
        }

        bool twoD = r == 4;
        PendingPad previous = s.Pad ?? new PendingPad(node, 0, 0, 0, 0, []);
        long top = previous.Top + (twoD ? pads[2] : 0), bottom = previous.Bottom + (twoD ? pads[r + 2] : 0);
        long left = previous.Left + pads[r - 1], right = previous.Right + pads[(2 * r) - 1];
        if (top + bottom + left + right > ImportLimits.MaxWindowValue)
        {
            throw new OnnxImportException("the accumulated padding is too large.");
        }

        s.Pad = new PendingPad(node, (int)top, (int)left, (int)bottom, (int)right, [.. previous.Names, node.DisplayName]);
    }

    private static long[] ReadPads(LoweringSession s, OnnxNode node)
    {
        if (node.Input(1).Length == 0)
        {
            return node.GetInts("pads")?.ToArray() ?? throw new OnnxImportException("Pad has no pads.");
        }

        OnnxTensor t = s.Graph.Constants[node.Input(1)];
        return t.DataType == OnnxDataType.Int64 && t.Rank == 1
            ? t.Int64Data
            : throw new OnnxImportException("Pad pads must be a 1-D int64 tensor.");
    }

    private static int[] SpatialInput(LoweringSession s, OnnxNode node)
    {
        int[] shape = s.Shape!;
        return shape.Length is 3 or 4
            ? shape
            : throw new OnnxImportException($"{node.OpType} input must be [1, C, W] or [1, C, H, W] (got [{LoweringShapes.Text(shape)}]).");
    }

    private static (WindowGeometry G, Pads Pads, int[] OutShape) Resolve(
        LoweringSession s, OnnxNode node, int[] shape, int[]? weightKernel)
    {
        bool twoD = shape.Length == 4;
        PendingPad pad = s.Pad ?? new PendingPad(node, 0, 0, 0, 0, []);
        if (pad.Top + pad.Bottom + pad.Left + pad.Right > ImportLimits.MaxWindowValue)
        {
            throw new OnnxImportException("the merged padding is too large.");
        }

        // ONNX sees the padded input: auto_pad and the output size are computed on it.
        int[] padded = twoD
            ? [shape[2] + pad.Top + pad.Bottom, shape[3] + pad.Left + pad.Right]
            : [shape[2] + pad.Left + pad.Right];
        WindowGeometry g = WindowGeometry.Resolve(node, padded, weightKernel);
        var pads = new Pads(
            pad.Top + (twoD ? g.PadsBegin[0] : 0),
            pad.Left + g.PadsBegin[^1],
            pad.Bottom + (twoD ? g.PadsEnd[0] : 0),
            pad.Right + g.PadsEnd[^1]);
        int channels = weightKernel != null ? s.FloatConstant(node, 1)!.Dims[0] : shape[1];
        int[] outShape = twoD ? [1, channels, g.Output[0], g.Output[1]] : [1, channels, g.Output[0]];
        ImportLimits.ElementCount(Array.ConvertAll(outShape, d => (long)d), $"output of {node.OpType}");
        return (g, pads, outShape);
    }

    private static void AddWithPad(LoweringSession s, OnnxNode node, FloatLayer layer, int[] outShape)
    {
        IReadOnlyList<string> padNames = s.Pad?.Names ?? [];
        s.Pad = null;
        s.AddLayer(node, layer, outShape);
        s.Layers[^1].Names.InsertRange(0, padNames);
    }

    private readonly record struct Pads(int Top, int Left, int Bottom, int Right);
}
