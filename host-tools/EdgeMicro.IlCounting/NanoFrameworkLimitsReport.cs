using System.Globalization;

namespace EdgeMicro.IlCounting;

/// <summary>
/// Result of <see cref="NanoFrameworkLimits.Analyze(byte[])"/>: the measured maxima of one assembly and the
/// list of violated nanoFramework limits. Names are Cecil full names (e.g. <c>System.Int32 Ns.T::M(System.Int32)</c>).
/// </summary>
public sealed class NanoFrameworkLimitsReport
{
    internal NanoFrameworkLimitsReport(
        string assemblyName,
        int totalIlBytes,
        int initializerDataBytes,
        (int Value, string Name) largestMethod,
        (int Value, string Name) maxLocals,
        (int Value, string Name) maxStaticFields,
        (int Value, string Name) maxBranchSpan,
        IReadOnlyList<string> violations)
    {
        AssemblyName = assemblyName;
        TotalIlBytes = totalIlBytes;
        InitializerDataBytes = initializerDataBytes;
        (LargestMethodBytes, LargestMethod) = largestMethod;
        (MaxLocals, MaxLocalsMethod) = maxLocals;
        (MaxStaticFields, MaxStaticFieldsType) = maxStaticFields;
        (MaxBranchSpan, MaxBranchSpanMethod) = maxBranchSpan;
        Violations = violations;
    }

    /// <summary>Simple name of the analysed assembly.</summary>
    public string AssemblyName { get; }

    /// <summary>Sum of the IL code sizes (bytes, headers excluded) of all method bodies, plus the code analysed beside it.</summary>
    public int TotalIlBytes { get; }

    /// <summary>Sum of the array-initializer data (field RVA blobs), plus that of the code analysed beside it.</summary>
    public int InitializerDataBytes { get; }

    /// <summary>IL code size in bytes of the largest method body (0 when there is none).</summary>
    public int LargestMethodBytes { get; }

    /// <summary>Full name of the largest method (empty when there is none).</summary>
    public string LargestMethod { get; }

    /// <summary>Largest number of locals declared by one method.</summary>
    public int MaxLocals { get; }

    /// <summary>Full name of the method with <see cref="MaxLocals"/> locals (empty when no method has locals).</summary>
    public string MaxLocalsMethod { get; }

    /// <summary>Largest number of static (non-const) fields declared by one type.</summary>
    public int MaxStaticFields { get; }

    /// <summary>Full name of the type with <see cref="MaxStaticFields"/> static fields (empty when none).</summary>
    public string MaxStaticFieldsType { get; }

    /// <summary>
    /// Largest absolute relative branch offset in bytes (target offset minus the offset of the instruction
    /// after the branch), over all branches, leaves and switch targets.
    /// </summary>
    public int MaxBranchSpan { get; }

    /// <summary>Full name of the method containing the <see cref="MaxBranchSpan"/> branch (empty when none).</summary>
    public string MaxBranchSpanMethod { get; }

    /// <summary>Human-readable descriptions of every violated limit; empty when the assembly is within limits.</summary>
    public IReadOnlyList<string> Violations { get; }

    /// <summary>Whether no limit is violated.</summary>
    public bool IsWithinLimits => Violations.Count == 0;

    /// <inheritdoc />
    public override string ToString()
    {
        var summary = string.Format(
            CultureInfo.InvariantCulture,
            "{0}: IL {1} B, initializer data {11} B (largest method {2} B {3}), max locals {4} ({5}), max static fields {6} ({7}), " +
            "max branch span {8} B ({9}), {10} violation(s)",
            AssemblyName,
            TotalIlBytes,
            LargestMethodBytes,
            LargestMethod,
            MaxLocals,
            MaxLocalsMethod,
            MaxStaticFields,
            MaxStaticFieldsType,
            MaxBranchSpan,
            MaxBranchSpanMethod,
            Violations.Count,
            InitializerDataBytes);
        return Violations.Count == 0 ? summary : summary + Environment.NewLine + string.Join(Environment.NewLine, Violations);
    }
}
