using System.Diagnostics;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Protocol;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Flashing;
using EdgeMicro.Serial;

namespace EdgeMicro.Fleet.Hil;

/// <summary>
/// Hardware-in-the-loop check: streams every test vector (the device's fixed-point view, <see cref="RawSamples"/>)
/// to the device with INFER and compares class, confidence, margin, runner-up and raw int8 outputs with the host
/// twin (the firmware core's <see cref="Classifier"/> on the same raw sample). They must be identical. A vector
/// that gets no valid answer after <see cref="HilOptions.VectorAttempts"/> is recorded as a link failure (not a
/// mismatch) and the run goes on; <see cref="HilOptions.MaxConsecutiveLinkFailures"/> in a row stop it with a
/// link-quality problem.
/// </summary>
public static class HilRunner
{
    /// <summary>Loads and checks the model and the test CSV (feature count included), before any device is opened.</summary>
    /// <param name="options">Options.</param>
    /// <returns>The model and the test vectors.</returns>
    /// <exception cref="InputDataException">A missing or bad file, or a CSV that does not fit the model.</exception>
    public static (ModelFile Model, LabeledDataset Data) LoadInputs(HilOptions options)
    {
        ModelFile model = ModelFile.Load(options.ModelPath);
        var definition = model.Blob.Model;
        LabeledDataset data = CsvDatasetReader.Read(options.TestPath, options.LabelColumn, definition.ClassNames, definition.ClassCount, requireLabels: false, expectedFeatures: definition.FeatureCount);
        if (data.FeatureCount != definition.FeatureCount)
        {
            throw new InputDataException($"{options.TestPath}: {data.FeatureCount} feature columns, but model {model.ModelId} takes {definition.FeatureCount}");
        }

        return (model, data);
    }

    /// <summary>Runs the check.</summary>
    /// <param name="options">Options.</param>
    /// <param name="client">Client on the device's serial link.</param>
    /// <param name="portName">Port name for the report.</param>
    /// <param name="progress">Called with (vectors done, total).</param>
    /// <param name="inputs">The model and vectors from <see cref="LoadInputs"/> when the caller checked them already.</param>
    /// <returns>The report.</returns>
    /// <exception cref="InputDataException">Bad model or test file, or the link failed (message says after how many vectors).</exception>
    public static HilReport Run(HilOptions options, DeviceClient client, string portName, Action<int, int>? progress = null, (ModelFile Model, LabeledDataset Data)? inputs = null)
    {
        (ModelFile model, LabeledDataset data) = inputs ?? LoadInputs(options);
        var definition = model.Blob.Model;

        var clock = Stopwatch.StartNew();
        DeviceInfo info = Link(client.Hello, "HELLO", 0, data.Count);
        string? installed = null;
        if (options.FleetKey != null && !SerialModelUpload.Runs(info, model))
        {
            string previous = info.ModelId.Length == 0 ? "no model" : $"{info.ModelId} v{info.ModelVersion}";
            info = SerialModelUpload.Install(client, model, options.FleetKey);
            installed = $"{model.Describe} over the test link (signed PUT_MODEL), replacing {previous}";
        }

        string deviceModel = info.ModelId.Length == 0 ? "no model" : $"{info.ModelId} v{info.ModelVersion} (model CRC 0x{info.ModelCrc:X8})";
        var report = new HilReport
        {
            Port = portName,
            DeviceId = info.DeviceId,
            Firmware = info.FirmwareVersion,
            DeviceModel = deviceModel,
            HostModel = model.Describe,
            SameModel = info.ModelId == model.ModelId && info.ModelVersion == model.ModelVersion && info.ModelCrc == model.ModelCrc,
            Vectors = data.Count,
            Installed = installed,
        };
        if (info.FeatureCount != definition.FeatureCount)
        {
            report.Problem = $"the device's model takes {info.FeatureCount} features, the host model {definition.FeatureCount}: no vector can be compared";
            return Finish(report, client, clock, [], 0, 0, 0);
        }

        var host = new Classifier(definition);
        int outputs = definition.Layers[^1].OutputLength;
        var latencies = new List<double>(data.Count);
        int agree = 0, exact = 0, labelled = 0, deviceCorrect = 0, hostCorrect = 0, consecutiveFailures = 0;
        double tickMs = info.TicksPerSecond == 0 ? 0 : 1000.0 / info.TicksPerSecond;
        for (int n = 0; n < data.Count; n++)
        {
            int[] raw = RawSamples.ToFixed(data.Features[n], definition.InputFractionBits);
            host.Classify(raw);
            string? linkError = null;
            InferenceReply? device = Link(() => InferWithRetry(client, raw, options.VectorAttempts, out linkError), "INFER", n, data.Count);
            if (device == null)
            {
                report.LinkFailures++;
                report.LinkFailedVectors.Add(n);
                consecutiveFailures++;
                if (consecutiveFailures >= options.MaxConsecutiveLinkFailures)
                {
                    report.Problem = $"link quality too poor: {consecutiveFailures} vectors in a row failed on the link after {options.VectorAttempts} attempts each (last: {linkError}); stopped after {n + 1} of {data.Count} vectors";
                    break;
                }

                if (n + 1 >= options.MinVectorsForFailureRate && report.LinkFailures > options.MaxLinkFailureRate * (n + 1))
                {
                    report.Problem = $"link quality too poor: {report.LinkFailures} of {n + 1} vectors failed on the link after {options.VectorAttempts} attempts each (more than {options.MaxLinkFailureRate:P0}; last: {linkError}); stopped";
                    break;
                }

                progress?.Invoke(n + 1, data.Count);
                continue;
            }

            consecutiveFailures = 0;
            report.Compared++;
            latencies.Add(device.Ticks * tickMs);
            agree += device.PredictedClass == host.PredictedClass ? 1 : 0;
            string? field = FirstDifference(host, outputs, device);
            if (field == null)
            {
                exact++;
            }
            else
            {
                report.MismatchCount++;
                if (report.FirstMismatches.Count < options.MaxListedMismatches)
                {
                    report.FirstMismatches.Add(new HilMismatch(n, data.Labels[n], field, Describe(host, outputs), Describe(device)));
                }
            }

            if (data.Labels[n] >= 0)
            {
                labelled++;
                deviceCorrect += device.PredictedClass == data.Labels[n] ? 1 : 0;
                hostCorrect += host.PredictedClass == data.Labels[n] ? 1 : 0;
            }

            progress?.Invoke(n + 1, data.Count);
        }

        report.DeviceAccuracy = labelled == 0 ? null : (double)deviceCorrect / labelled;
        report.HostAccuracy = labelled == 0 ? null : (double)hostCorrect / labelled;
        return Finish(report, client, clock, latencies, agree, exact, report.Compared);
    }

    private static HilReport Finish(HilReport report, DeviceClient client, Stopwatch clock, List<double> latencies, int agree, int exact, int compared)
    {
        report.Agreement = compared == 0 ? 0 : (double)agree / compared;
        report.ExactMatch = compared == 0 ? 0 : (double)exact / compared;
        latencies.Sort();
        report.LatencyP50Ms = Percentile(latencies, 0.50);
        report.LatencyP95Ms = Percentile(latencies, 0.95);
        report.LatencyMaxMs = latencies.Count == 0 ? 0 : latencies[^1];
        report.LinkRetries = client.Retries;
        report.LinkFastResends = client.FastResends;
        report.LinkTimeouts = client.Timeouts;
        report.LinkNaks = client.Naks;
        report.InferRoundTripMs = Math.Round(client.TimerOf(MessageType.Infer).SmoothedMs, 3);
        report.CorruptFrames = client.RejectedFrames;
        report.Seconds = clock.Elapsed.TotalSeconds;
        return report;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    /// <param name="sorted">Ascending values.</param>
    /// <param name="p">Fraction in (0, 1].</param>
    /// <returns>The percentile, 0 when empty.</returns>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string? FirstDifference(Classifier host, int outputs, InferenceReply device)
    {
        if (device.PredictedClass != host.PredictedClass)
        {
            return "class";
        }

        if (device.ConfidenceQ15 != host.ConfidenceQ15)
        {
            return "confidence";
        }

        if (device.MarginQ15 != host.MarginQ15)
        {
            return "margin";
        }

        if (device.RunnerUpClass != host.RunnerUpClass)
        {
            return "runner-up";
        }

        return device.Outputs.AsSpan().SequenceEqual(host.Outputs.AsSpan(0, outputs)) ? null : "outputs";
    }

    private static string Describe(Classifier c, int outputs) =>
        Describe(c.PredictedClass, c.ConfidenceQ15, c.MarginQ15, c.Outputs.AsSpan(0, outputs).ToArray());

    private static string Describe(InferenceReply r) => Describe(r.PredictedClass, r.ConfidenceQ15, r.MarginQ15, r.Outputs);

    private static string Describe(int cls, int confidence, int margin, sbyte[] outputs) =>
        $"class {cls} conf {confidence / 32768.0:F4} margin {margin / 32768.0:F4} out [{string.Join(",", outputs)}]";

    /// <summary>INFER with whole-request retries (each already retried per frame by the client); null after the last.</summary>
    private static InferenceReply? InferWithRetry(DeviceClient client, int[] raw, int attempts, out string? error)
    {
        error = null;
        for (int i = 0; i < Math.Max(1, attempts); i++)
        {
            try
            {
                return client.Infer(raw);
            }
            catch (DeviceLinkException e) when (e is not DeviceErrorException)
            {
                error = e.Message;
            }
        }

        return null;
    }

    private static T Link<T>(Func<T> call, string what, int done, int total)
    {
        try
        {
            return call();
        }
        catch (DeviceLinkException e)
        {
            throw new InputDataException($"{what} failed after {done} of {total} vectors: {e.Message}", e);
        }
    }
}
