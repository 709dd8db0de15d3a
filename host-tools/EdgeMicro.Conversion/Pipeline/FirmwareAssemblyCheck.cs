using System.Globalization;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Conversion.Export;
using EdgeMicro.Data;
using EdgeMicro.IlCounting;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>Refuses, with the numbers, a model whose firmware assembly (table + kernel + app) nanoFramework cannot load.</summary>
public static class FirmwareAssemblyCheck
{
    /// <summary>The option value of a weights mode (<c>--weights</c>).</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>data, code or int8.</returns>
    public static string Name(WeightsMode mode) => mode switch
    {
        WeightsMode.Code => "code",
        WeightsMode.Int8 => "int8",
        _ => "data",
    };

    /// <summary>Throws an input error naming every violated limit when the firmware assembly is over one.</summary>
    /// <param name="modelPath">The model file, for the message.</param>
    /// <param name="limits">The whole firmware assembly's limits report.</param>
    /// <param name="alternative">Says what would fit instead (the other weights mode, checked), or null when nothing would.</param>
    public static void Refuse(string modelPath, NanoFrameworkLimitsReport limits, Func<string?> alternative)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(alternative);
        if (limits.IsWithinLimits)
        {
            return;
        }

        string fits = alternative() ?? "No weights mode fits this model in one nanoFramework assembly (the limits are the toolchain's, the same on every board): make it smaller.";
        throw new InputDataException(string.Create(
            CultureInfo.InvariantCulture,
            $"{modelPath}: the firmware assembly (weight table + kernel + the firmware app) cannot load on nanoFramework: {string.Join(" ", limits.Violations)} {fits}"));
    }

    /// <summary>Generates and checks the other weights modes (data or code, then int8); says the first that fits, with
    /// its figures, or null.</summary>
    /// <param name="refused">The mode that does not fit.</param>
    /// <param name="model">The int8 model.</param>
    /// <param name="layers">Its prepared layers.</param>
    /// <param name="name">Model name.</param>
    /// <param name="provenance">Provenance line.</param>
    /// <returns>The advice, or null when the other mode does not fit either.</returns>
    public static string? Alternative(WeightsMode refused, ModelDefinition model, PreparedLayer[] layers, string name, string provenance)
    {
        foreach (WeightsMode other in new[] { WeightsMode.Data, WeightsMode.Code, WeightsMode.Int8 }.Where(m => m != refused))
        {
            NanoFrameworkLimitsReport limits = GeneratedFirmwareCode.Create(other, model, layers, name, provenance).Limits;
            if (limits.IsWithinLimits)
            {
                return string.Create(CultureInfo.InvariantCulture, $"With --weights {Name(other)} it fits: {limits.TotalIlBytes} B of IL, {limits.InitializerDataBytes} B of array-initializer data.");
            }
        }

        return null;
    }
}
