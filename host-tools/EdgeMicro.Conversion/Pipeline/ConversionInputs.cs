using System.Security.Cryptography;
using EdgeMicro.Data;
using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Lowering;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>Everything <c>convert</c> reads, loaded and cross-checked before any work or output.</summary>
/// <param name="Model">Lowered float model.</param>
/// <param name="ModelSha256">SHA-256 of the ONNX file.</param>
/// <param name="ClassNames">Class names.</param>
/// <param name="Calibration">Calibration samples.</param>
/// <param name="Test">Test samples, or null.</param>
/// <param name="Normalization">Standardization.</param>
/// <param name="Layout">Input layout.</param>
/// <param name="FractionBits">Fixed-point fraction bits for raw samples.</param>
/// <param name="Name">Identifier used for generated class names.</param>
public sealed record ConversionInputs(
    FloatModel Model,
    string ModelSha256,
    string[] ClassNames,
    LabeledDataset Calibration,
    LabeledDataset? Test,
    Normalization Normalization,
    InputLayout Layout,
    int FractionBits,
    string Name)
{
    /// <summary>Loads and validates the inputs of a conversion.</summary>
    /// <param name="o">Options.</param>
    /// <returns>The inputs.</returns>
    public static ConversionInputs Load(ConvertOptions o)
    {
        InputFiles.RequireFile(o.ModelPath, "ONNX model");

        FloatModel model = Lower(() => OnnxModelLoader.Load(o.ModelPath), o.ModelPath);

        int outputs = model.OutputLength;
        int classCount = outputs == 1 && model.Output == OutputActivation.Sigmoid ? 2 : outputs;
        if (classCount < 2)
        {
            throw new InputDataException($"{o.ModelPath}: the model has {outputs} output; a classifier needs at least 2 classes (or 1 sigmoid output)");
        }

        string[] classNames = o.ClassNames?.ToArray() ?? Enumerable.Range(0, classCount).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        if (classNames.Length != classCount)
        {
            throw new InputDataException($"--classes: {classNames.Length} names given, the model has {classCount} classes");
        }

        if (o.OntologyPath != null)
        {
            // The deployed classes come from the hierarchy (or, with --classes, are checked against it).
            IReadOnlyList<string> deployed = ClassOntology.DeployedClasses(o.OntologyPath);
            if (o.ClassNames == null && deployed.Count != classCount)
            {
                throw new InputDataException($"{o.OntologyPath}: {deployed.Count} deployed classes ({string.Join(", ", deployed)}), the model has {classCount} outputs; list every deployed class first as a label of itself, in the model's output order");
            }

            classNames = o.ClassNames == null ? deployed.ToArray() : classNames;
            ClassOntology.Load(o.OntologyPath, classNames);
        }

        LabeledDataset calibration = CsvDatasetReader.Read(o.CalibrationPath, o.LabelColumn, classNames, classCount, requireLabels: false, expectedFeatures: model.InputLength);
        if (calibration.Count == 0)
        {
            throw new InputDataException($"{o.CalibrationPath}: calibration set is empty (no data rows)");
        }

        LabeledDataset? test = o.TestPath == null ? null : CsvDatasetReader.Read(o.TestPath, o.LabelColumn, classNames, classCount, expectedFeatures: model.InputLength);
        int features = calibration.FeatureCount;
        foreach (LabeledDataset d in new[] { calibration, test }.OfType<LabeledDataset>())
        {
            if (d.FeatureCount != model.InputLength)
            {
                throw new InputDataException($"{d.Path}: has {d.FeatureCount} feature columns, the model input takes {model.InputLength} values ({string.Join("x", model.InputDims)})");
            }
        }

        Normalization normalization = o.NormalizationPath == null ? Normalization.Identity(features) : Normalization.Load(o.NormalizationPath, features);
        InputLayout layout = InputLayout.Parse(o.InputLayout, model.InputDims, features);
        double maxAbs = calibration.Features.Concat(test?.Features ?? []).SelectMany(r => r).Concat(normalization.Mean).Max(Math.Abs);
        int fractionBits = RawSamples.ChooseFractionBits(maxAbs);
        normalization.CheckFixedPoint(fractionBits, o.NormalizationPath ?? "normalization");

        string name = CSharpName(o.Name ?? DefaultName(o.ModelPath));
        string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(o.ModelPath)));
        return new ConversionInputs(model, sha, classNames, calibration, test, normalization, layout, fractionBits, name);
    }

    /// <summary>Imports (when <paramref name="load"/> reads the file) and lowers a model; every problem becomes one
    /// <see cref="InputDataException"/> naming <paramref name="modelPath"/> (unsupported nodes and attributes all listed).</summary>
    /// <param name="load">Reads the graph (from the file, or an in-memory graph).</param>
    /// <param name="modelPath">The file, for messages.</param>
    /// <returns>The float model.</returns>
    /// <exception cref="InputDataException">The model cannot be read or lowered.</exception>
    public static FloatModel Lower(Func<OnnxGraph> load, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(load);
        try
        {
            return OnnxLowering.Lower(load());
        }
        catch (OnnxImportException e)
        {
            // OnnxModelLoader already prefixes its messages with the file name; name the file once, by its path.
            string prefix = Path.GetFileName(modelPath) + ": ";
            string detail = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
            throw new InputDataException($"{modelPath}: {detail}", e);
        }
    }

    private static string DefaultName(string modelPath)
    {
        string file = Path.GetFileNameWithoutExtension(modelPath);
        string? dir = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(modelPath)));
        return file is "model" or "" && !string.IsNullOrEmpty(dir) ? dir : file;
    }

    private static string CSharpName(string name) => Export.CSharpNames.Identifier(name);
}
