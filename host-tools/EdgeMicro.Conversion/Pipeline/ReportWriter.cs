using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>Writes <see cref="ConversionReport"/> as JSON (snake_case) and Markdown.</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>Serializes to JSON.</summary>
    /// <param name="report">The report.</param>
    /// <returns>JSON text.</returns>
    public static string ToJson(ConversionReport report) => JsonSerializer.Serialize(report, Options) + "\n";

    /// <summary>Renders Markdown.</summary>
    /// <param name="r">The report.</param>
    /// <returns>Markdown text.</returns>
    public static string ToMarkdown(ConversionReport r)
    {
        var sb = new StringBuilder();
        sb.Append("# Quantization report: ").Append(r.ModelId).Append(" v").Append(r.ModelVersion).AppendLine();
        sb.AppendLine();
        sb.Append("Source: ").AppendLine(r.Source);
        sb.Append("Evaluated on: ").Append(r.EvaluatedOn).Append(" (").Append(r.Samples).AppendLine(" samples)");
        sb.AppendLine();
        sb.AppendLine("| metric | value |");
        sb.AppendLine("|---|---|");
        Row(sb, "float top-1 accuracy", Pct(r.FloatAccuracy));
        Row(sb, "int8 top-1 accuracy (host twin = device)", Pct(r.Int8Accuracy));
        Row(sb, "float/int8 agreement", Pct(r.Agreement));
        Row(sb, "weights (int8 + int32 bias)", Bytes(r.WeightsBytes));
        Row(sb, "weight table data / blob", Bytes(r.TableBytes) + " / " + Bytes(r.BlobBytes));
        Row(sb, "activations between layers", r.Activations);
        Row(sb, "device heap for the model (weight table + classifier)", Bytes(r.RamBytes) + $" ({Bytes(r.ModelHeapBytes)} + {Bytes(r.ClassifierHeapBytes)}: packed weights {Bytes(r.PackedWeightsBytes)}, activations {Bytes(r.ActivationBytes)}); weights {r.HeapBytesPerWeight:F2} B each ({r.WeightsMode} mode: the one copy the kernels read)");
        Row(sb, "device heap resident / peak during an update", $"{Bytes(r.ResidentHeapBytes)} (statistics {Bytes(r.StatisticsHeapBytes)}) / {Bytes(r.UpdatePeakHeapBytes)}");
        Row(sb, "MACs per inference", r.Macs.ToString("N0", CultureInfo.InvariantCulture));
        Row(sb, "executed IL per inference (specialized / generic)", $"{r.IlPerInference:N0} / {r.GenericIlPerInference:N0}");
        Row(sb, "whole-inference IL per MAC (specialized / generic)", $"{r.IlPerMac:F2} / {r.GenericIlPerMac:F2}");
        Row(sb, "kernel-only IL per MAC (specialized / generic)", $"{r.KernelIlPerMac:F2} / {r.GenericKernelIlPerMac:F2}");
        if (r.FusedNetwork)
        {
            Row(sb, "whole inference fused into one generated method", $"yes: {r.IlPerInference:N0} IL; run stage by stage the same kernels take {r.StagedIlPerInference:N0} IL, split below");
        }

        Row(sb, r.FusedNetwork ? "IL outside the layer kernels (stage by stage)" : "IL outside the layer kernels", $"{Pct(r.OutsideKernelsShare)} (input quantization {r.InputIl:N0}, output head {r.HeadIl:N0})");
        Row(sb, "estimated ESP32 latency (240 MHz)", $"{r.EstimatedEsp32Ms:F2} ms (range {r.EstimatedEsp32MsRange[0]:F2}-{r.EstimatedEsp32MsRange[1]:F2}); generic kernels {r.GenericEstimatedEsp32Ms:F2} ms");
        sb.AppendLine();
        sb.AppendLine("## Layers");
        sb.AppendLine();
        sb.AppendLine("| # | layer | kind | in | out | bits | MACs | SQNR dB | saturation | range | SWAR | specialized | IL | IL/MAC |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (LayerReport l in r.Layers)
        {
            string sqnr = l.SqnrDb is { } d ? d.ToString("F1", CultureInfo.InvariantCulture) : "exact";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {l.Index} | {l.Name} | {l.Kind} | {l.InputShape} | {l.OutputShape} | {l.ActivationBits} | {l.Macs:N0} | {sqnr} | {Pct(l.Saturation)} | {l.RangeMethod} | {Lanes(l)} | {(l.Specialized ? "yes" : "no")} | {l.Il:N0} | {(l.IlPerMac is { } m ? m.ToString("F2", CultureInfo.InvariantCulture) : "-")} |");
        }

        sb.AppendLine();
        sb.AppendLine("## Per-class recall");
        sb.AppendLine();
        sb.AppendLine("| class | float | int8 |");
        sb.AppendLine("|---|---|---|");
        for (int k = 0; k < r.Classes.Length; k++)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Classes[k]} | {Pct(r.FloatRecall[k])} | {Pct(r.Int8Recall[k])} |");
        }

        sb.AppendLine();
        sb.AppendLine("## int8 confusion matrix (rows: true class, columns: predicted)");
        sb.AppendLine();
        sb.Append("| |").Append(string.Concat(r.Classes.Select(c => " " + c + " |"))).AppendLine();
        sb.Append("|---|").Append(string.Concat(r.Classes.Select(_ => "---|"))).AppendLine();
        for (int t = 0; t < r.Classes.Length; t++)
        {
            sb.Append("| ").Append(r.Classes[t]).Append(" |").Append(string.Concat(r.ConfusionMatrix[t].Select(v => " " + v.ToString(CultureInfo.InvariantCulture) + " |"))).AppendLine();
        }

        sb.AppendLine();
        sb.Append("Files: ").AppendLine(string.Join(", ", r.Files));
        return sb.ToString();
    }

    /// <summary>Formats a fraction as a percentage.</summary>
    /// <param name="v">Fraction or null.</param>
    /// <returns>Text.</returns>
    public static string Pct(double? v) => v is { } d ? (d * 100).ToString("F2", CultureInfo.InvariantCulture) + "%" : "-";

    /// <summary>Formats a layer's SWAR lanes and the rows requantized to fit three.</summary>
    /// <param name="l">The layer.</param>
    /// <returns>Text.</returns>
    private static string Lanes(LayerReport l) => l.SwarLanes == 0 ? "-"
        : l.SwarLanes.ToString(CultureInfo.InvariantCulture) + (l.RowsRequantizedForThreeLanes == 0 ? string.Empty : $" ({l.RowsRequantizedForThreeLanes} rows requantized to fit)");

    /// <summary>Formats a byte count.</summary>
    /// <param name="b">Bytes.</param>
    /// <returns>Text.</returns>
    public static string Bytes(long b) => b < 10 * 1024 ? b.ToString("N0", CultureInfo.InvariantCulture) + " B" : (b / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB";

    private static void Row(StringBuilder sb, string k, string v) => sb.Append("| ").Append(k).Append(" | ").Append(v).AppendLine(" |");
}
