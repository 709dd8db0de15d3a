namespace EdgeMicro.Onnx.Evaluation;

/// <summary>NumPy-style (ONNX multidirectional) broadcasting of shapes and index mapping.</summary>
internal static class Broadcast
{
    /// <summary>Broadcast result shape of <paramref name="a"/> and <paramref name="b"/>, or null if incompatible.</summary>
    /// <param name="a">First shape.</param>
    /// <param name="b">Second shape.</param>
    /// <returns>The result shape or null.</returns>
    public static int[]? Shape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                return null;
            }

            result[i] = da == 1 ? db : da;
        }

        return result;
    }

    /// <summary>
    /// For every flat index of <paramref name="outShape"/>, the flat index of the element of a tensor of shape
    /// <paramref name="shape"/> broadcast to it.
    /// </summary>
    /// <param name="shape">Source shape (broadcastable to <paramref name="outShape"/>).</param>
    /// <param name="outShape">Target shape.</param>
    /// <returns>Source index per target index.</returns>
    public static int[] SourceIndices(int[] shape, int[] outShape)
    {
        int rank = outShape.Length;
        var strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            int si = i - (rank - shape.Length);
            int d = si >= 0 ? shape[si] : 1;
            strides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }

        int total = 1;
        foreach (int d in outShape)
        {
            total *= d;
        }

        var map = new int[total];
        var counter = new int[rank];
        int offset = 0;
        for (int n = 0; n < total; n++)
        {
            map[n] = offset;
            for (int i = rank - 1; i >= 0; i--)
            {
                counter[i]++;
                offset += strides[i];
                if (counter[i] < outShape[i])
                {
                    break;
                }

                offset -= strides[i] * counter[i];
                counter[i] = 0;
            }
        }

        return map;
    }

    /// <summary>Row-major strides of a shape.</summary>
    /// <param name="dims">Dimensions.</param>
    /// <returns>Element strides.</returns>
    public static int[] Strides(int[] dims)
    {
        var strides = new int[dims.Length];
        int s = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= dims[i];
        }

        return strides;
    }

    /// <summary>Product of <paramref name="dims"/>[from..to).</summary>
    /// <param name="dims">Dimensions (already bounded).</param>
    /// <param name="from">First axis.</param>
    /// <param name="to">End axis (exclusive).</param>
    /// <returns>The product.</returns>
    public static int Product(int[] dims, int from, int to)
    {
        int p = 1;
        for (int i = from; i < to; i++)
        {
            p *= dims[i];
        }

        return p;
    }
}
