namespace EdgeMicro.Conversion.Evaluation;

/// <summary>Executed IL instructions of one inference on the firmware core, stage by stage, and the derived ESP32
/// latency. The stages are <c>Classifier.QuantizeInput</c>, <c>Classifier.RunLayer</c> per layer and
/// <c>Classifier.EvaluateHead</c>; <see cref="IlPerInference"/> is the whole <c>Classify</c> call.</summary>
/// <param name="IlPerInference">Executed IL instructions per inference (input quantization to output head).</param>
/// <param name="KernelIlPerInference">Of which in the Dense/Conv layers (their <c>RunLayer</c>: generic or generated kernel).</param>
/// <param name="Macs">Multiply-accumulates per inference.</param>
/// <param name="InputIl">IL of the input quantization.</param>
/// <param name="LayerIl">IL of each layer (kernel plus the classifier's dispatch).</param>
/// <param name="HeadIl">IL of the output head.</param>
/// <param name="Fused">True when <c>Classify</c> runs one fused generated method for the whole inference
/// (<c>ISpecializedNetwork</c>): <see cref="IlPerInference"/> is then that method's cost, while the stage figures
/// (input, layers, head, kernel-only) are the stage-by-stage path's, which a fused method cannot be split into.</param>
public sealed record InterpreterCost(double IlPerInference, double KernelIlPerInference, long Macs, double InputIl, double[] LayerIl, double HeadIl, bool Fused = false)
{
    /// <summary>IL of the stages run one by one (input, every layer, head): the whole inference unless <see cref="Fused"/>.</summary>
    public double StagedIl => InputIl + LayerIl.Sum() + HeadIl;

    /// <summary>Microseconds per executed IL instruction on an ESP32 at 240 MHz: midpoint of the cost model
    /// (nanoCLR needs ~40 host instructions per IL op; an in-order LX6 running from flash cache ~35-75 cycles,
    /// i.e. 0.15-0.3 us; see the README's cost model section). Calibrate on hardware.</summary>
    public const double MicrosecondsPerIl = 0.2;

    /// <summary>Low end of the cost model.</summary>
    public const double MicrosecondsPerIlLow = 0.15;

    /// <summary>High end of the cost model.</summary>
    public const double MicrosecondsPerIlHigh = 0.3;

    /// <summary>Whole-inference IL per MAC (the headline: what a user pays per inference).</summary>
    public double IlPerMac => Macs == 0 ? 0 : IlPerInference / Macs;

    /// <summary>Layer-kernel IL per MAC (kernels alone).</summary>
    public double KernelIlPerMac => Macs == 0 ? 0 : KernelIlPerInference / Macs;

    /// <summary>IL per inference outside the Dense/Conv kernels (input quantization, pools, head, dispatch); of the
    /// stage-by-stage path when <see cref="Fused"/>.</summary>
    public double OutsideKernelsIl => (Fused ? StagedIl : IlPerInference) - KernelIlPerInference;

    /// <summary>Share of the inference outside the Dense/Conv kernels (0-1); of the stage-by-stage path when <see cref="Fused"/>.</summary>
    public double OutsideKernelsShare
    {
        get
        {
            double whole = Fused ? StagedIl : IlPerInference;
            return whole == 0 ? 0 : OutsideKernelsIl / whole;
        }
    }

    /// <summary>Estimated ESP32 latency in ms (midpoint).</summary>
    public double EstimatedMs => IlPerInference * MicrosecondsPerIl / 1000;

    /// <summary>Estimated ESP32 latency in ms (fast end).</summary>
    public double EstimatedMsLow => IlPerInference * MicrosecondsPerIlLow / 1000;

    /// <summary>Estimated ESP32 latency in ms (slow end).</summary>
    public double EstimatedMsHigh => IlPerInference * MicrosecondsPerIlHigh / 1000;
}

/// <summary>Executed IL instructions per inference and per statistics update (the nanoFramework interpreter's cost).</summary>
/// <param name="InferenceIl">Mean IL of <c>Classifier.Classify</c> (generic kernels).</param>
/// <param name="UpdateIl">Mean IL of <c>DeviceStatistics.OnInference</c>.</param>
/// <param name="MaxUpdateIl">Largest IL of one update.</param>
/// <param name="Samples">Updates measured.</param>
public sealed record StatsCost(double InferenceIl, double UpdateIl, long MaxUpdateIl, int Samples)
{
    /// <summary>Update cost relative to the inference.</summary>
    public double Ratio => InferenceIl == 0 ? 0 : UpdateIl / InferenceIl;
}
