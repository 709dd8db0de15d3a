namespace EdgeMicro.Fleet.Hil;

/// <summary>Options of <c>edgemicro hil</c>.</summary>
public sealed class HilOptions
{
    /// <summary>Gets or sets the model: the converter's output directory or a .emm file.</summary>
    public required string ModelPath { get; set; }

    /// <summary>Gets or sets the test CSV (same columns as for convert; the label column is optional).</summary>
    public required string TestPath { get; set; }

    /// <summary>Gets or sets the label column name.</summary>
    public string LabelColumn { get; set; } = "label";

    /// <summary>Gets or sets how many times a vector is sent before it counts as a link failure (the run goes on).</summary>
    public int VectorAttempts { get; set; } = 3;

    /// <summary>Gets or sets after how many link failures in a row the run stops with a link-quality problem.</summary>
    public int MaxConsecutiveLinkFailures { get; set; } = 10;

    /// <summary>Gets or sets the largest fraction of vectors that may fail on the link (checked from
    /// <see cref="MinVectorsForFailureRate"/> vectors on): above it the run stops with a link-quality problem.</summary>
    public double MaxLinkFailureRate { get; set; } = 0.2;

    /// <summary>Gets or sets after how many vectors <see cref="MaxLinkFailureRate"/> is checked.</summary>
    public int MinVectorsForFailureRate { get; set; } = 5;

    /// <summary>Gets or sets the fleet key: when set, a device that does not run the host model gets it first over
    /// the test link (signed PUT_MODEL), or null to only compare.</summary>
    public byte[]? FleetKey { get; set; }

    /// <summary>Gets or sets how many mismatches the report lists.</summary>
    public int MaxListedMismatches { get; set; } = 10;
}
