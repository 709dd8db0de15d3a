using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeMicro.Conversion.Benchmarks;
using EdgeMicro.Conversion.Pipeline;
using Spectre.Console;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro bench</c>: host-twin speed and exact interpreter cost of the example models.</summary>
internal sealed class BenchCommand : Command
{
    public BenchCommand()
        : base("bench", "Benchmark the example models: host-twin inferences/s and MAC/s, executed IL instructions per MAC (generic and specialized kernels, and with the weights compiled into code), nanoFramework limits of the whole firmware assembly.")
    {
        Options.Add(Manifest);
        Options.Add(Only);
        Options.Add(Json);
        Subcommands.Add(new DataLoopBenchCommand());
        SetAction(parse => CommandRunner.Guard(parse, () => Execute(parse)));
    }

    internal Option<string> Manifest { get; } = new("--manifest") { Description = "Example manifest (models/examples.json).", DefaultValueFactory = _ => "models/examples.json", HelpName = "JSON" };

    internal Option<string?> Only { get; } = new("--only") { Description = "Comma-separated example names to run (default: all).", HelpName = "a,b,..." };

    internal Option<bool> Json { get; } = new("--json") { Description = "Print results as JSON." };

    private int Execute(ParseResult parse)
    {
        using ExampleRoot root = ExampleRunner.NewRoot();
        string[]? only = parse.GetValue(Only)?.Split(',', StringSplitOptions.TrimEntries);
        var all = ExampleManifest.Load(parse.GetValue(Manifest)!, root.Path);
        string[] unknown = [.. (only ?? []).Where(n => !all.Any(e => e.Name == n))];
        if (unknown.Length > 0)
        {
            throw new EdgeMicro.Data.InputDataException($"--only {string.Join(",", unknown)}: no such example in {parse.GetValue(Manifest)} (examples: {string.Join(", ", all.Select(e => e.Name))})");
        }

        var examples = all.Where(e => only == null || only.Contains(e.Name)).ToList();
        List<BenchmarkResult> results = ExampleRunner.Run(parse, examples, "Benchmarking", e => ModelBenchmark.Run(e));

        TextWriter stdout = parse.InvocationConfiguration.Output;
        if (parse.GetValue(Json))
        {
            stdout.WriteLine(JsonSerializer.Serialize(results.Select(r => new
            {
                name = r.Name, macs = r.Macs, host_inferences_per_s_generic = Math.Round(r.GenericPerSecond), host_inferences_per_s_specialized = Math.Round(r.SpecializedPerSecond),
                host_macs_per_s_specialized = Math.Round(r.SpecializedMacsPerSecond), il_per_inference_generic = r.Generic.IlPerInference, il_per_inference_specialized = r.Specialized.IlPerInference,
                kernel_il_per_mac_generic = Math.Round(r.Generic.KernelIlPerMac, 3), kernel_il_per_mac_specialized = Math.Round(r.Specialized.KernelIlPerMac, 3),
                il_per_mac_generic = Math.Round(r.Generic.IlPerMac, 3), il_per_mac_specialized = Math.Round(r.Specialized.IlPerMac, 3),
                fused_network_specialized = r.Specialized.Fused, staged_il_per_inference_specialized = Math.Round(r.Specialized.StagedIl, 1), outside_kernels_share_specialized = Math.Round(r.Specialized.OutsideKernelsShare, 4), input_il_specialized = Math.Round(r.Specialized.InputIl, 1),
                head_il_specialized = Math.Round(r.Specialized.HeadIl, 1), layer_il_specialized = r.Specialized.LayerIl.Select(v => Math.Round(v, 1)).ToArray(),
                estimated_esp32_ms_specialized = Math.Round(r.Specialized.EstimatedMs, 3),
                firmware_assembly_il_bytes = r.KernelLimits.TotalIlBytes, firmware_assembly_initializer_bytes = r.KernelLimits.InitializerDataBytes, kernel_max_locals = r.KernelLimits.MaxLocals,
                firmware_assembly_within_nanoframework_limits = r.KernelLimits.IsWithinLimits,
                il_per_inference_compiled = r.Compiled.IlPerInference, il_per_mac_compiled = Math.Round(r.Compiled.IlPerMac, 3), kernel_il_per_mac_compiled = Math.Round(r.Compiled.KernelIlPerMac, 3),
                input_il_compiled = Math.Round(r.Compiled.InputIl, 1), head_il_compiled = Math.Round(r.Compiled.HeadIl, 1), estimated_esp32_ms_compiled = Math.Round(r.Compiled.EstimatedMs, 3),
                compiled_firmware_assembly_il_bytes = r.CompiledLimits.TotalIlBytes, compiled_firmware_assembly_initializer_bytes = r.CompiledLimits.InitializerDataBytes,
                compiled_firmware_assembly_within_nanoframework_limits = r.CompiledLimits.IsWithinLimits,
                compiled_heap_bytes_per_weight = Math.Round(r.CompiledMemory.BytesPerWeight, 3), compiled_heap_resident_bytes = r.CompiledMemory.ResidentBytes, compiled_heap_update_peak_bytes = r.CompiledMemory.UpdatePeakBytes,
                statistics_il_per_update = Math.Round(r.StatisticsIlPerUpdate, 1),
                heap_model_bytes = r.Memory.ModelBytes, heap_classifier_bytes = r.Memory.ClassifierBytes, heap_statistics_bytes = r.Memory.StatisticsBytes,
                heap_resident_bytes = r.Memory.ResidentBytes, heap_update_peak_bytes = r.Memory.UpdatePeakBytes, heap_bytes_per_weight = Math.Round(r.Memory.BytesPerWeight, 3),
                int8_il_per_mac = r.Int8.IlPerMac, int8_estimated_esp32_ms = r.Int8.EstimatedEsp32Ms, int8_heap_model_bytes = r.Int8.RamBytes,
                int8_heap_bytes_per_weight = r.Int8.HeapBytesPerWeight,
                float_accuracy = Math.Round(r.Int16.FloatAccuracy, 4), int16_activations_accuracy = Math.Round(r.Int16.Int8Accuracy, 4),
                int16_activations_il_per_mac = r.Int16.IlPerMac, int16_activations_estimated_esp32_ms = r.Int16.EstimatedEsp32Ms,
                int16_activations_heap_model_bytes = r.Int16.RamBytes,
                int16_activations_code_il_per_mac = r.Int16Code.IlPerMac, int16_activations_code_estimated_esp32_ms = r.Int16Code.EstimatedEsp32Ms,
                int16_activations_code_heap_model_bytes = r.Int16Code.RamBytes, int16_activations_code_heap_bytes_per_weight = r.Int16Code.HeapBytesPerWeight,
            }), new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        }

        var table = new Table().Title("EdgeMicro bench (IL counts are exact; host timings are informative)")
            .AddColumns("model", "MACs", "host inf/s gen/spec", "host MAC/s spec", "IL/inference gen/spec", "whole IL/MAC gen/spec", "kernel-only IL/MAC gen/spec", "outside kernels (input, head IL)", "ESP32 est. ms", "firmware assembly IL B, init. data B", "stats IL/update", "heap B/weight, resident, update peak", "code mode: whole (kernel) IL/MAC, ms, assembly IL B, heap B/weight", "int8 mode: whole IL/MAC, ms, model heap, B/weight", "int16 activations: accuracy (float), IL/MAC, ms, model heap", "int16 + code: IL/MAC, ms, model heap, B/weight");
        foreach (BenchmarkResult r in results)
        {
            table.AddRow(r.Name, F(r.Macs, "N0"), $"{F(r.GenericPerSecond, "N0")} / {F(r.SpecializedPerSecond, "N0")}", F(r.SpecializedMacsPerSecond / 1e6, "F0") + " M",
                $"{F(r.Generic.IlPerInference, "N0")} / {F(r.Specialized.IlPerInference, "N0")}", $"{F(r.Generic.IlPerMac, "F2")} / {F(r.Specialized.IlPerMac, "F2")}",
                $"{F(r.Generic.KernelIlPerMac, "F2")} / {F(r.Specialized.KernelIlPerMac, "F2")}",
                (r.Specialized.Fused ? "fused; staged " : string.Empty) + $"{F(100 * r.Specialized.OutsideKernelsShare, "F0")}% ({F(r.Specialized.InputIl, "N0")}, {F(r.Specialized.HeadIl, "N0")})", F(r.Specialized.EstimatedMs, "F2"),
                $"{F(r.KernelLimits.TotalIlBytes, "N0")}, {F(r.KernelLimits.InitializerDataBytes, "N0")}" + (r.KernelLimits.IsWithinLimits ? string.Empty : " OVER LIMITS"),
                $"{F(r.StatisticsIlPerUpdate, "N0")} ({F(100 * r.StatisticsIlPerUpdate / r.Specialized.IlPerInference, "F0")}%)",
                $"{F(r.Memory.BytesPerWeight, "F2")}, {F(r.Memory.ResidentBytes / 1024.0, "F1")} KiB, {F(r.Memory.UpdatePeakBytes / 1024.0, "F1")} KiB",
                $"{F(r.Compiled.IlPerMac, "F2")} ({F(r.Compiled.KernelIlPerMac, "F2")}), {F(r.Compiled.EstimatedMs, "F2")}, {F(r.CompiledLimits.TotalIlBytes, "N0")}" + (r.CompiledLimits.IsWithinLimits ? string.Empty : " OVER LIMITS") + $", {F(r.CompiledMemory.BytesPerWeight, "F2")}",
                $"{F(r.Int8.IlPerMac, "F2")}, {F(r.Int8.EstimatedEsp32Ms, "F2")}, {F(r.Int8.RamBytes / 1024.0, "F1")} KiB, {F(r.Int8.HeapBytesPerWeight, "F2")}",
                $"{F(100 * r.Int16.Int8Accuracy, "F2")}% ({F(100 * r.Int16.FloatAccuracy, "F2")}%), {F(r.Int16.IlPerMac, "F2")}, {F(r.Int16.EstimatedEsp32Ms, "F2")}, {F(r.Int16.RamBytes / 1024.0, "F1")} KiB",
                $"{F(r.Int16Code.IlPerMac, "F2")}, {F(r.Int16Code.EstimatedEsp32Ms, "F2")}, {F(r.Int16Code.RamBytes / 1024.0, "F1")} KiB, {F(r.Int16Code.HeapBytesPerWeight, "F2")}");
        }

        CommandRunner.Console(stdout).Write(table);
        return ExitCodes.Success;
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
