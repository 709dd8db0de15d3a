using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Onnx.Tests;

/// <summary>The devkit models with the layer lists their lowering must produce.</summary>
internal static class DevkitModels
{
    /// <summary>(model directory, onnx file, expected layer kinds, expected output activation).</summary>
    public static readonly (string Model, string File, string Layers, OutputActivation Output)[] All =
    [
        ("digits_mlp_dev", "model.onnx", "Dense, Relu, Dense", OutputActivation.None),
        ("digits_matmul_dev", "model.onnx", "Dense, Relu, Dense", OutputActivation.Softmax),
        ("digits_cnn_dev", "model.onnx", "Conv, Relu, AvgPool, Conv, Relu, AvgPool, Dense", OutputActivation.None),
        ("digits_cnn_dev", "model_bn_node.onnx", "Conv, Relu, AvgPool, Conv, Relu, AvgPool, Dense", OutputActivation.None),
        ("digits_conv1d_dev", "model.onnx", "Conv, Relu, MaxPool, Conv, Relu, Dense", OutputActivation.None),
        ("wine_mlp_raw_dev", "model.onnx", "Dense, Relu, Dense", OutputActivation.Softmax),
        ("satellite_mlp_dev", "model.onnx", "Dense, Relu, Dense, Relu, Dense", OutputActivation.None),
    ];

    /// <summary>Theory data: model and file.</summary>
    public static TheoryData<string, string> Files
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var m in All)
            {
                data.Add(m.Model, m.File);
            }

            return data;
        }
    }

    /// <summary>Path of a devkit .onnx file.</summary>
    /// <param name="model">Model directory name.</param>
    /// <param name="file">File name.</param>
    /// <returns>The path.</returns>
    public static string Path(string model, string file) => System.IO.Path.Combine(RepoPaths.ModelDir(model), file);

    /// <summary>Short kind of a layer: Dense, Conv, MaxPool, AvgPool, Relu, Clip, LeakyRelu.</summary>
    /// <param name="layer">Layer.</param>
    /// <returns>The kind.</returns>
    public static string Kind(FloatLayer layer) => layer switch
    {
        DenseLayer => "Dense",
        ConvLayer => "Conv",
        PoolLayer { Kind: PoolKind.Max } => "MaxPool",
        PoolLayer => "AvgPool",
        ActivationLayer a => a.Kind.ToString(),
        _ => layer.GetType().Name,
    };

    /// <summary>Comma-separated layer kinds of a model.</summary>
    /// <param name="model">Model.</param>
    /// <returns>e.g. "Dense, Relu, Dense".</returns>
    public static string Kinds(FloatModel model) => string.Join(", ", model.Layers.Select(Kind));

    /// <summary>Largest absolute difference between two vectors (infinity when the lengths differ).</summary>
    /// <param name="a">First.</param>
    /// <param name="b">Second.</param>
    /// <returns>The difference.</returns>
    public static double MaxAbsDiff(float[] a, float[] b) =>
        a.Length != b.Length ? double.PositiveInfinity : a.Zip(b, (x, y) => Math.Abs((double)x - y)).DefaultIfEmpty(0).Max();
}
