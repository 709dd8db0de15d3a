using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeMicro.Fleet.Labels;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>Writes the plan as plan.json, plan.md and samples-to-label.csv.</summary>
public static class PlanWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Serializes the plan.</summary>
    /// <param name="plan">Plan.</param>
    /// <returns>JSON.</returns>
    public static string ToJson(BalancePlan plan) => JsonSerializer.Serialize(plan, Json);

    /// <summary>
    /// The samples to label, most uncertain first, for a labelling tool: exactly the training CSV's columns in its
    /// order (features in physical units as the device saw them, label cell empty), then the provenance columns
    /// <see cref="LabelFiles.ProvenanceColumns"/>. One row per buffered reading (no duplicates); the plan's
    /// predictions stay in plan.json so the annotator is not anchored by them. <c>edgemicro labels import</c> reads it back.
    /// </summary>
    /// <param name="plan">Plan.</param>
    /// <returns>CSV text.</returns>
    public static string ToCsv(BalancePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        IReadOnlyList<string> columns = plan.TrainColumns ?? [.. plan.FeatureNames, plan.LabelColumn];
        var sb = new StringBuilder();
        sb.AppendJoin(',', columns.Concat(LabelFiles.ProvenanceColumns).Select(LabelFiles.Cell)).Append('\n');
        foreach (PickedSample p in plan.Picks)
        {
            int f = 0;
            var cells = columns.Select(c => c == plan.LabelColumn ? string.Empty : LabelFiles.Number(p.Features[f++])).ToList();
            cells.AddRange([p.DeviceId, p.Boot.ToString(CultureInfo.InvariantCulture), p.Report.ToString(CultureInfo.InvariantCulture), p.Sequence.ToString(CultureInfo.InvariantCulture), p.TimeMs.ToString(CultureInfo.InvariantCulture), p.ReceivedUtc]);
            sb.AppendJoin(',', cells.Select(LabelFiles.Cell)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Human-readable summary.</summary>
    /// <param name="plan">Plan.</param>
    /// <returns>Markdown.</returns>
    public static string ToMarkdown(BalancePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        LabelShiftEstimate sh = plan.Shift;
        s.AppendLine(c, $"# Labelling plan: {plan.ModelId} v{plan.ModelVersion}");
        s.AppendLine();
        s.AppendLine(c, $"{plan.Devices} devices, {plan.Reports} reports, {plan.Inferences:N0} inferences, {plan.Labels} labels; {plan.CandidateCount} buffered candidates; budget {plan.Budget}, planned {plan.PlannedLabels} (target {plan.Target}, floor {plan.Floor:P0}).");
        s.AppendLine();
        s.AppendLine("## Class distribution (deployment vs training)");
        s.AppendLine();
        s.AppendLine(c, $"BBSE (Lipton et al. 2018): cond(C) = {sh.ConditionNumber:F2}; shift test chi2 = {sh.ChiSquare:F1}, df = {sh.DegreesOfFreedom}, p = {sh.PValue:G3} ({(sh.Shifted ? "the class distribution shifted" : "no significant shift")} at 1 %). Mean |naive - BBSE| = {plan.CorrectionMae:F4}.");
        s.AppendLine();
        if (plan.Priors is { } pr)
        {
            s.AppendLine(c, $"Deployment prior used: **{pr.Chosen.Method}** ({pr.Rule}). Hold-out: {pr.HoldoutSize} samples.");
            foreach (string w in pr.Warnings)
            {
                s.AppendLine().AppendLine(c, $"> Warning: {w}");
            }

            s.AppendLine();
            s.AppendLine("| class | naive % [95 %] | BBSE % [95 %] | EM % [95 %] | expected labels / wanted | short |");
            s.AppendLine("|---|---|---|---|---|---|");
            foreach (ClassPlan k in plan.Classes)
            {
                string I(PriorEstimate e) => string.Create(c, $"{e.Prior[k.Class]:P1} [{e.Low[k.Class]:P1}, {e.High[k.Class]:P1}]");
                s.AppendLine(c, $"| {k.Name} | {I(pr.Naive)} | {I(pr.Bbse)} | {I(pr.Em)} | {k.ExpectedLabels:F1} / {k.WantedLabels:F1} | {(k.Short ? "yes: too few candidates likely of this class" : "no")} |");
            }

            s.AppendLine();
        }

        s.AppendLine("| class | train n | train % | device predicted | naive % | BBSE % | target % | mean conf. | candidates | quota | easy/medium/hard | w (inv. freq.) | w (eff. num. 0.99) |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (ClassPlan k in plan.Classes)
        {
            s.AppendLine(c, $"| {k.Name} | {k.TrainCount} | {k.TrainShare:P1} | {k.DevicePredicted} | {k.NaiveShare:P1} | {k.BbseShare:P1} | {k.Target:P1} | {k.MeanConfidence:F3} | {k.Candidates} | {k.Quota} | {k.Easy}/{k.Medium}/{k.Hard} | {k.InverseFrequencyWeight:F3} | {k.EffectiveNumberWeights["0.99"]:F3} |");
        }

        s.AppendLine();
        s.AppendLine(c, $"Imbalance ratio (max/min): training {plan.TrainImbalance:F2}, deployment (BBSE) {plan.DeploymentImbalance:F2}, training after this round {plan.PlannedImbalance:F2}. Tiers by margin: hard <= {plan.MarginQ20:F3} (q20), easy >= {plan.MarginQ70:F3} (q70).");
        s.AppendLine();
        s.AppendLine("## Data health");
        s.AppendLine();
        var drifted = plan.Features.Where(f => f.Drift).OrderByDescending(f => f.Psi).ToList();
        s.AppendLine(c, $"Feature drift (PSI against the training data reweighted to the deployment prior, above the family-wise 1 % threshold): {drifted.Count} of {plan.Features.Count}. Saturated: {plan.Features.Count(f => f.Saturated)}. Stuck: {plan.Features.Count(f => f.Stuck)}. Out of training range: {plan.Features.Count(f => f.OutOfRange)}. Page-Hinkley alarms: {plan.DriftAlarms}.");
        if (plan.Health is { } health)
        {
            s.AppendLine();
            s.AppendLine(c, $"Repeated readings: {health.RepeatRate:P2} of reading pairs are identical ({health.RepeatPairs} reservoir pairs); repeats count as one observation, not as drift.");
            s.AppendLine();
            s.AppendLine("| device | status | inferences | max PSI / threshold | findings |");
            s.AppendLine("|---|---|---:|---:|---|");
            foreach (DeviceHealth d in health.Devices)
            {
                s.AppendLine(c, $"| {d.DeviceId} | {d.Status} | {d.Inferences} | {d.MaxPsiRatio:F2} ({d.WorstFeature}) | {string.Join("; ", d.Evidence.Take(5))} |");
            }
        }
        s.AppendLine();
        s.AppendLine("| feature | PSI | threshold | p | saturated (device/train) | device range | training range |");
        s.AppendLine("|---|---:|---:|---:|---|---|---|");
        foreach (FeatureHealth f in plan.Features.Where(f => f.Drift || f.Saturated || f.OutOfRange).OrderByDescending(f => f.Psi).Take(20))
        {
            s.AppendLine(c, $"| {f.Name} | {f.Psi:F4} | {f.Threshold:F4} | {f.PValue:G3} | {f.DeviceLimitShare:P1}/{f.TrainLimitShare:P1} | {f.DeviceMin:G4}..{f.DeviceMax:G4} | {f.TrainMin:G4}..{f.TrainMax:G4} |");
        }

        s.AppendLine();
        s.AppendLine("Confused class pairs (merge candidates): " + (plan.ConfusedPairs.Count == 0 ? "none." : string.Join("; ", plan.ConfusedPairs.Select(p => string.Create(c, $"{p.Names} (hold-out {p.HoldoutJoint:P2}, device low-margin {p.DeviceAmbiguityShare:P2})")))));
        s.AppendLine();
        s.AppendLine(c, $"Label-issue candidates (labelled buffered samples the model and the nearest training rows doubt, most doubtful first): {plan.LabelIssues.Count} buffered; {plan.ConfidentDisagreements} confident disagreements counted on devices.");
        foreach (LabelIssue i in plan.LabelIssues.Take(20))
        {
            s.AppendLine(c, $"- #{i.Rank} {i.DeviceId} #{i.Sequence} (window {i.Report}), score {i.Score:F2}: {i.Evidence}");
        }

        s.AppendLine();
        if (plan.FineLabels is { } fl)
        {
            s.AppendLine("## Fine labels (ontology)");
            s.AppendLine();
            s.AppendLine("Devices predict deployed classes, so quotas are per deployed class; thin fine labels (< 5 training rows) are worth asking the annotators for.");
            s.AppendLine();
            s.AppendLine("| deployed class | training rows | no fine label | fine labels (training rows) |");
            s.AppendLine("|---|---:|---:|---|");
            foreach (FineLabelClass f in fl.Classes)
            {
                s.AppendLine(c, $"| {f.Class} | {f.TrainCount} | {f.Unspecified} | {string.Join(", ", f.Fine.Select(x => string.Create(c, $"{x.Label} {x.Count}{(x.Count < 5 ? " (thin)" : string.Empty)}")))} |");
            }

            s.AppendLine();
        }

        s.AppendLine(c, $"Samples to label: samples-to-label.csv ({plan.Picks.Count} rows). Charts: report.html.");
        return s.ToString();
    }
}
