using System.Collections.Concurrent;

namespace EdgeMicro.Conversion.Tests.Support;

/// <summary>
/// Collection fixture: converts each devkit model at most once (on first use) into a temp directory, so every test
/// class of <see cref="DevkitCollection"/> shares the conversions.
/// </summary>
public sealed class DevkitConversions : IDisposable
{
    private readonly TempDirectory _root = new("edgemicro-devkit");
    private readonly ConcurrentDictionary<string, Lazy<ConvertedModel>> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<ConvertedModel>> _code = new(StringComparer.Ordinal);

    /// <summary>The conversion of a model (converted now if not yet).</summary>
    /// <param name="key">Model key.</param>
    /// <returns>The conversion.</returns>
    public ConvertedModel Get(string key) => _models.GetOrAdd(
        key,
        k => new Lazy<ConvertedModel>(() => ConvertedModel.Convert(DevkitModel.Get(k), _root.Combine(k)))).Value;

    /// <summary>The conversion of a model with <c>--weights code</c> (converted now if not yet).</summary>
    /// <param name="key">Model key.</param>
    /// <returns>The conversion.</returns>
    public ConvertedModel GetCode(string key) => _code.GetOrAdd(
        key,
        k => new Lazy<ConvertedModel>(() => ConvertedModel.Convert(DevkitModel.Get(k), _root.Combine(k + "-code"), EdgeMicro.Conversion.Pipeline.WeightsMode.Code))).Value;

    /// <summary>A path for an extra output directory inside the fixture's temp directory (not created).</summary>
    /// <param name="name">Directory name.</param>
    /// <returns>The path.</returns>
    public string NewPath(string name) => _root.Combine(name + "-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => _root.Dispose();
}

/// <summary>Test classes sharing <see cref="DevkitConversions"/> (run one at a time).</summary>
[CollectionDefinition(Name)]
public sealed class DevkitCollection : ICollectionFixture<DevkitConversions>
{
    /// <summary>Collection name.</summary>
    public const string Name = "Devkit conversions";
}
