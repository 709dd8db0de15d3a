namespace EdgeMicro.Onnx.Graph;

/// <summary>Bounds that keep a malformed or hostile model from exhausting memory or time.</summary>
internal static class ImportLimits
{
    /// <summary>Largest accepted .onnx file.</summary>
    public const long MaxFileBytes = 128L * 1024 * 1024;

    /// <summary>Largest tensor (elements), also the bound on all constants together and on any evaluated value.</summary>
    public const int MaxElements = 16 * 1024 * 1024;

    /// <summary>Largest tensor rank.</summary>
    public const int MaxRank = 8;

    /// <summary>Most nodes in a graph.</summary>
    public const int MaxNodes = 100_000;

    /// <summary>Largest window/stride/dilation/pad value accepted in an attribute.</summary>
    public const int MaxWindowValue = 1 << 20;

    /// <summary>
    /// Multiplies dims checking each against the element bound, without overflow.
    /// </summary>
    /// <param name="dims">Dimensions (must be non-negative).</param>
    /// <param name="what">What the dims describe, for the message.</param>
    /// <returns>The element count (at most <see cref="MaxElements"/>).</returns>
    public static int ElementCount(IReadOnlyList<long> dims, string what)
    {
        if (dims.Count > MaxRank)
        {
            throw new OnnxImportException($"{what} has rank {dims.Count}; at most {MaxRank} is supported.");
        }

        // Bound the product of max(d, 1) so that every partial product of the dims also fits (zero dims included).
        long bound = 1, count = 1;
        foreach (long d in dims)
        {
            if (d < 0)
            {
                throw new OnnxImportException($"{what} has a negative dimension {d}.");
            }

            if (d > MaxElements)
            {
                throw new OnnxImportException($"{what} has dimension {d}, more than the limit of {MaxElements} elements.");
            }

            bound *= Math.Max(d, 1);
            count *= d;
            if (bound > MaxElements)
            {
                throw new OnnxImportException(
                    $"{what} has dims [{string.Join(", ", dims)}]: more than the limit of {MaxElements} elements.");
            }
        }

        return (int)count;
    }

    /// <summary>Same as <see cref="ElementCount(IReadOnlyList{long}, string)"/> for int dims.</summary>
    /// <param name="dims">Dimensions.</param>
    /// <param name="what">What the dims describe, for the message.</param>
    /// <returns>The element count.</returns>
    public static int ElementCount(int[] dims, string what) => ElementCount(Array.ConvertAll(dims, d => (long)d), what);
}
