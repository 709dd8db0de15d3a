using EdgeMicro.Fleet.Labels;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>Options of <c>edgemicro balance</c>.</summary>
public sealed record BalanceOptions
{
    /// <summary>Gets the statistics store: a SQLite file or a PostgreSQL URL (<see cref="EdgeMicro.Fleet.Stats.StoreLocation"/>).</summary>
    public required string StorePath { get; init; }

    /// <summary>Gets the devices whose statistics are used, or null for all.</summary>
    public IReadOnlyList<string>? Devices { get; init; }

    /// <summary>Gets the earliest report arrival time (UTC) used, or null for all.</summary>
    public DateTime? Since { get; init; }

    /// <summary>Gets the converted model directory (holding one .emm blob).</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>Gets the training CSV (physical units, label column).</summary>
    public required string TrainPath { get; init; }

    /// <summary>Gets the labelled hold-out CSV for the BBSE confusion matrix.</summary>
    public required string HoldoutPath { get; init; }

    /// <summary>Gets the labelling budget.</summary>
    public required int Budget { get; init; }

    /// <summary>Gets the output directory (a new one, or one balance wrote before: see <see cref="EdgeMicro.Data.OutputDirectory"/>).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Gets a value indicating whether to write beside files balance did not write.</summary>
    public bool Force { get; init; }

    /// <summary>Gets the quota target.</summary>
    public QuotaTarget Target { get; init; } = QuotaTarget.Uniform;

    /// <summary>Gets the minimum target share per class.</summary>
    public double Floor { get; init; } = 0.02;

    /// <summary>Gets the label column name.</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>Gets the class hierarchy file (fine label to deployed class), or null.</summary>
    public string? OntologyPath { get; init; }
}

/// <summary>One class of the plan.</summary>
public sealed record ClassPlan(
    int Class, string Name, int TrainCount, double TrainShare, double HoldoutShare, int DevicePredicted, double NaiveShare, double BbseShare,
    double Target, double MeanConfidence, int Candidates, int Quota, int Easy, int Medium, int Hard,
    double InverseFrequencyWeight, IReadOnlyDictionary<string, double> EffectiveNumberWeights,
    double EmShare = 0, double ChosenShare = 0, double ChosenLow = 0, double ChosenHigh = 0, double ExpectedLabels = 0, double WantedLabels = 0, bool Short = false);

/// <summary>Drift and sensor health of one feature.</summary>
public sealed record FeatureHealth(
    int Feature, string Name, double Psi, double Threshold, double PValue, bool Drift, int Bins,
    double DeviceLimitShare, double TrainLimitShare, bool Saturated, double DeviceMin, double DeviceMax, double TrainMin, double TrainMax, bool OutOfRange,
    double EffectiveSamples = 0, double EffectiveTraining = 0, bool Stuck = false);

/// <summary>A class pair the model confuses (merge candidate).</summary>
public sealed record ConfusedPair(int A, int B, string Names, double HoldoutJoint, double DeviceAmbiguityShare);

/// <summary>A labelled device sample whose label the model and the nearest training rows doubt (<see cref="LabelIssues"/>).</summary>
public sealed record LabelIssue(
    string DeviceId, uint Sequence, string Label, string Predicted, double Confidence, double Threshold,
    int Rank = 0, double Score = 0, double LabelProbability = 0, double NeighbourAgreement = 0, string NeighbourLabel = "", double Margin = 0, uint Report = 0, string Evidence = "");

/// <summary>A buffered sample picked for labelling.</summary>
public sealed record PickedSample(int Rank, string DeviceId, uint Sequence, uint Report, int Predicted, string PredictedName, string RunnerUpName, double Margin, double Confidence, string Tier, string Kind, double[] Features, string PlannedFor = "", double PlannedForProbability = 0, int Boot = 0, long TimeMs = 0, string ReceivedUtc = "");

/// <summary>The balancing plan (plan.json).</summary>
public sealed record BalancePlan(
    string ModelId, uint ModelVersion, int Budget, string Target, double Floor, int Devices, int Reports, long Inferences, int Labels,
    int CandidateCount, int PlannedLabels, double MarginQ20, double MarginQ70,
    LabelShiftEstimate Shift, double CorrectionMae, IReadOnlyList<ClassPlan> Classes,
    double TrainImbalance, double DeploymentImbalance, double PlannedImbalance,
    IReadOnlyList<FeatureHealth> Features, IReadOnlyList<ConfusedPair> ConfusedPairs, IReadOnlyList<LabelIssue> LabelIssues,
    int ConfidentDisagreements, int DriftAlarms, IReadOnlyList<PickedSample> Picks, IReadOnlyList<int> ConfidenceHistogram, IReadOnlyList<int> MarginHistogram,
    IReadOnlyList<int> Confusion, IReadOnlyList<string> FeatureNames, PriorEstimates? Priors = null,
    IReadOnlyList<string>? TrainColumns = null, string LabelColumn = "label", FineLabelReport? FineLabels = null, HealthReport? Health = null);
