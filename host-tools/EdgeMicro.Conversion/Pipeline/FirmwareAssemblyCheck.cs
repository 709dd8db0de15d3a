using System.Globalization;
using EdgeMicro.Data;
using EdgeMicro.IlCounting;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>Refuses, with the numbers, a model whose firmware assembly (table + kernel + app) nanoFramework cannot load.</summary>
public static class FirmwareAssemblyCheck
{
    /// <summary>Throws an input error naming every violated limit when the firmware assembly is over one.</summary>
    /// <param name="modelPath">The model file, for the message.</param>
    /// <param name="limits">The whole firmware assembly's limits report.</param>
    /// <param name="alternative">What would fit instead (another weights mode), or null when nothing would.</param>
    public static void Refuse(string modelPath, NanoFrameworkLimitsReport limits, string? alternative)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (limits.IsWithinLimits)
        {
            return;
        }

        string fits = alternative ?? "No weights mode fits this model in one nanoFramework assembly (the limits are the toolchain's, the same on every board): make it smaller.";
        throw new InputDataException(string.Create(
            CultureInfo.InvariantCulture,
            $"{modelPath}: the firmware assembly (weight table + kernel + the firmware app) cannot load on nanoFramework: {string.Join(" ", limits.Violations)} {fits}"));
    }
}
