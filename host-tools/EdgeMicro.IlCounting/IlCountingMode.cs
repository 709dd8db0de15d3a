namespace EdgeMicro.IlCounting;

/// <summary>How an <see cref="IlExecutionCounter"/> records executed instructions.</summary>
public enum IlCountingMode
{
    /// <summary>
    /// One <c>long</c> counter per instrumented assembly; each basic block executes
    /// <c>ldsfld; ldc.i8 N; add; stsfld</c>. Cheapest; <see cref="IlExecutionCounter.PerMethod"/> is unavailable.
    /// </summary>
    Total,

    /// <summary>
    /// One <c>long</c> slot per method in an array per instrumented assembly, so
    /// <see cref="IlExecutionCounter.PerMethod"/> can attribute counts; totals are identical to
    /// <see cref="Total"/>, the probes are a few instructions longer.
    /// </summary>
    PerMethod,
}
