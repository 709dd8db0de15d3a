namespace EdgeMicro.Onnx.Graph;

/// <summary>
/// Resolved sliding-window attributes of a Conv or pooling node over 1 or 2 spatial axes: kernel, strides,
/// dilations, explicit pads (auto_pad resolved) and output size, per spatial axis.
/// </summary>
internal sealed class WindowGeometry
{
    private WindowGeometry(int rank)
    {
        Kernel = new int[rank];
        Strides = new int[rank];
        Dilations = new int[rank];
        PadsBegin = new int[rank];
        PadsEnd = new int[rank];
        Output = new int[rank];
    }

    /// <summary>Kernel size per spatial axis.</summary>
    public int[] Kernel { get; }

    /// <summary>Stride per spatial axis.</summary>
    public int[] Strides { get; }

    /// <summary>Dilation per spatial axis.</summary>
    public int[] Dilations { get; }

    /// <summary>Padding before each spatial axis.</summary>
    public int[] PadsBegin { get; }

    /// <summary>Padding after each spatial axis.</summary>
    public int[] PadsEnd { get; }

    /// <summary>Output size per spatial axis.</summary>
    public int[] Output { get; }

    /// <summary>Whether any padding is non-zero.</summary>
    public bool HasPadding => PadsBegin.Any(p => p != 0) || PadsEnd.Any(p => p != 0);

    /// <summary>Resolves the attributes of <paramref name="node"/> for an input of the given spatial size.</summary>
    /// <param name="node">Conv, MaxPool or AveragePool node.</param>
    /// <param name="input">Spatial input size (1 or 2 axes).</param>
    /// <param name="weightKernel">Kernel size from the Conv weights, or null for pools (kernel_shape required).</param>
    /// <returns>The geometry.</returns>
    public static WindowGeometry Resolve(OnnxNode node, IReadOnlyList<int> input, IReadOnlyList<int>? weightKernel)
    {
        int r = input.Count;
        string who = $"{node.OpType} node '{node.DisplayName}'";
        if (r is < 1 or > 2)
        {
            throw new OnnxImportException($"{who}: only 1-D and 2-D windows are supported (input has {r} spatial axes).");
        }

        var g = new WindowGeometry(r);
        IReadOnlyList<long>? kernelAttr = node.GetInts("kernel_shape");
        if (kernelAttr == null && weightKernel == null)
        {
            throw new OnnxImportException($"{who}: attribute kernel_shape is required.");
        }

        Fill(g.Kernel, kernelAttr, 1, who, "kernel_shape", 1);
        for (int i = 0; i < r && weightKernel != null; i++)
        {
            if (kernelAttr != null && g.Kernel[i] != weightKernel[i])
            {
                throw new OnnxImportException($"{who}: kernel_shape [{string.Join(", ", kernelAttr)}] does not match the weights.");
            }

            if (weightKernel[i] < 1)
            {
                throw new OnnxImportException($"{who}: the weights have an empty kernel.");
            }

            g.Kernel[i] = weightKernel[i];
        }

        Fill(g.Strides, node.GetInts("strides"), 1, who, "strides", 1);
        Fill(g.Dilations, node.GetInts("dilations"), 1, who, "dilations", 1);
        if (node.GetInt("ceil_mode", 0) != 0)
        {
            throw new OnnxImportException($"{who}: ceil_mode=1 is not supported.");
        }

        string autoPad = node.GetString("auto_pad", "NOTSET");
        var pads = new int[2 * r];
        switch (autoPad)
        {
            case "NOTSET" or "":
                Fill(pads, node.GetInts("pads"), 0, who, "pads", 0);
                break;
            case "VALID":
                break;
            case "SAME_UPPER" or "SAME_LOWER":
                for (int i = 0; i < r; i++)
                {
                    long outSize = (input[i] + (long)g.Strides[i] - 1) / g.Strides[i];
                    long total = Math.Max(0, ((outSize - 1) * g.Strides[i]) + EffectiveKernel(g, i) - input[i]);
                    if (total > 2L * ImportLimits.MaxWindowValue)
                    {
                        throw new OnnxImportException($"{who}: {autoPad} would need {total} padding cells.");
                    }

                    long small = total / 2;
                    pads[i] = (int)(autoPad == "SAME_UPPER" ? small : total - small);
                    pads[i + r] = (int)(total - pads[i]);
                }

                break;
            default:
                throw new OnnxImportException($"{who}: auto_pad '{autoPad}' is not supported.");
        }

        for (int i = 0; i < r; i++)
        {
            g.PadsBegin[i] = pads[i];
            g.PadsEnd[i] = pads[i + r];
            long span = (long)input[i] + pads[i] + pads[i + r] - EffectiveKernel(g, i);
            if (span < 0)
            {
                throw new OnnxImportException(
                    $"{who}: the window ({EffectiveKernel(g, i)}) is larger than the padded input ({input[i] + pads[i] + pads[i + r]}).");
            }

            g.Output[i] = (int)((span / g.Strides[i]) + 1);
        }

        return g;
    }

    private static long EffectiveKernel(WindowGeometry g, int axis) => ((long)(g.Kernel[axis] - 1) * g.Dilations[axis]) + 1;

    private static void Fill(int[] target, IReadOnlyList<long>? values, int defaultValue, string who, string name, int min)
    {
        if (values == null)
        {
            Array.Fill(target, defaultValue);
            return;
        }

        if (values.Count != target.Length)
        {
            throw new OnnxImportException($"{who}: attribute {name} has {values.Count} values, expected {target.Length}.");
        }

        for (int i = 0; i < target.Length; i++)
        {
            if (values[i] < min || values[i] > ImportLimits.MaxWindowValue)
            {
                throw new OnnxImportException($"{who}: attribute {name}={values[i]} is out of range [{min}, {ImportLimits.MaxWindowValue}].");
            }

            target[i] = (int)values[i];
        }
    }
}
