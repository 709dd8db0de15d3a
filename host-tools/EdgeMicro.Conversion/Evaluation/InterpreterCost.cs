namespace EdgeMicro.Conversion.Evaluation;

/// <summary>Executed IL instructions of one inference on the firmware core and the derived ESP32 latency.</summary>
/// <param name="IlPerInference">Executed IL instructions per inference (input quantization to output head).</param>
/// <param name="KernelIlPerInference">Of which in the Dense/Conv layer kernels.</param>
/// <param name="Macs">Multiply-accumulates per inference.</param>
public sealed record InterpreterCost(double IlPerInference, double KernelIlPerInference, long Macs)
{
    /// <summary>Microseconds per executed IL instruction on an ESP32 at 240 MHz: midpoint of the cost model
    /// (nanoCLR needs ~40 host instructions per IL op; an in-order LX6 running from flash cache ~35-75 cycles,
    /// i.e. 0.15-0.3 us; see the README's cost model section). Calibrate on hardware.</summary>
    public const double MicrosecondsPerIl = 0.2;

    /// <summary>Low end of the cost model.</summary>
    public const double MicrosecondsPerIlLow = 0.15;

    /// <summary>High end of the cost model.</summary>
    public const double MicrosecondsPerIlHigh = 0.3;

    /// <summary>Whole-inference IL per MAC.</summary>
    public double IlPerMac => Macs == 0 ? 0 : IlPerInference / Macs;

    /// <summary>Layer-kernel IL per MAC (the kernel figure the targets refer to).</summary>
    public double KernelIlPerMac => Macs == 0 ? 0 : KernelIlPerInference / Macs;

    /// <summary>Estimated ESP32 latency in ms (midpoint).</summary>
    public double EstimatedMs => IlPerInference * MicrosecondsPerIl / 1000;

    /// <summary>Estimated ESP32 latency in ms (fast end).</summary>
    public double EstimatedMsLow => IlPerInference * MicrosecondsPerIlLow / 1000;

    /// <summary>Estimated ESP32 latency in ms (slow end).</summary>
    public double EstimatedMsHigh => IlPerInference * MicrosecondsPerIlHigh / 1000;
}
