using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Onnx.Evaluation;

/// <summary>Values, work budget and input helpers for one evaluation of an <see cref="OnnxGraph"/>.</summary>
internal sealed class EvalContext
{
    /// <summary>Most elements held by computed values at the same time.</summary>
    private const long MaxLiveElements = 2L * ImportLimits.MaxElements;

    private readonly Dictionary<string, OnnxTensor> _values = new(StringComparer.Ordinal);
    private readonly long _workLimit;
    private long _work;
    private long _live;

    /// <summary>Creates a context.</summary>
    /// <param name="graph">The graph (its constants are visible as values).</param>
    /// <param name="workLimit">Largest number of elementary operations allowed.</param>
    public EvalContext(OnnxGraph graph, long workLimit)
    {
        Graph = graph;
        _workLimit = workLimit;
    }

    /// <summary>The graph being evaluated.</summary>
    public OnnxGraph Graph { get; }

    /// <summary>Opset of the default domain.</summary>
    public int Opset => Graph.OpsetVersion;

    /// <summary>Counts work; fails when the budget is exhausted.</summary>
    /// <param name="operations">Elementary operations (multiply-accumulates, element writes).</param>
    public void Charge(long operations)
    {
        _work += operations;
        if (_work > _workLimit)
        {
            throw new OnnxImportException($"Evaluation exceeds the work limit of {_workLimit} operations.");
        }
    }

    /// <summary>Checks and returns the element count of a result shape, charging its writes.</summary>
    /// <param name="node">Node producing the value.</param>
    /// <param name="dims">Result dimensions (may come from untrusted attributes).</param>
    /// <returns>The element count.</returns>
    public int Allocate(OnnxNode node, IReadOnlyList<long> dims)
    {
        int count = ImportLimits.ElementCount(dims, $"output of {node.OpType} node '{node.DisplayName}'");
        Charge(count);
        return count;
    }

    /// <summary>Gets input <paramref name="i"/> as a float tensor.</summary>
    /// <param name="node">The node.</param>
    /// <param name="i">Input position.</param>
    /// <returns>The tensor.</returns>
    public OnnxTensor Float(OnnxNode node, int i)
    {
        OnnxTensor t = OptionalInput(node, i)
            ?? throw Fail(node, $"input {i} is required.");
        return t.DataType == OnnxDataType.Float ? t : throw Fail(node, $"input {i} ('{t.Name}') must be a float tensor.");
    }

    /// <summary>Gets input <paramref name="i"/> as an int64 tensor.</summary>
    /// <param name="node">The node.</param>
    /// <param name="i">Input position.</param>
    /// <returns>The tensor.</returns>
    public OnnxTensor Int64(OnnxNode node, int i)
    {
        OnnxTensor t = OptionalInput(node, i)
            ?? throw Fail(node, $"input {i} is required.");
        return t.DataType == OnnxDataType.Int64 ? t : throw Fail(node, $"input {i} ('{t.Name}') must be an int64 tensor.");
    }

    /// <summary>Gets input <paramref name="i"/>, or null when omitted.</summary>
    /// <param name="node">The node.</param>
    /// <param name="i">Input position.</param>
    /// <returns>The tensor or null.</returns>
    public OnnxTensor? OptionalInput(OnnxNode node, int i)
    {
        string name = node.Input(i);
        if (name.Length == 0)
        {
            return null;
        }

        if (_values.TryGetValue(name, out OnnxTensor? t) || Graph.Constants.TryGetValue(name, out t))
        {
            return t;
        }

        throw Fail(node, $"input '{name}' has not been computed.");
    }

    /// <summary>Stores a computed value.</summary>
    /// <param name="name">Value name ("" for an omitted optional output: ignored).</param>
    /// <param name="value">The value.</param>
    public void Set(string name, OnnxTensor value)
    {
        if (name.Length == 0)
        {
            return;
        }

        _live += value.ElementCount;
        if (_live > MaxLiveElements)
        {
            throw new OnnxImportException($"Evaluation needs more than {MaxLiveElements} live elements.");
        }

        _values[name] = value;
    }

    /// <summary>Looks up a computed value.</summary>
    /// <param name="name">Value name.</param>
    /// <returns>The value, or null.</returns>
    public OnnxTensor? Get(string name) =>
        _values.TryGetValue(name, out OnnxTensor? t) || Graph.Constants.TryGetValue(name, out t) ? t : null;

    /// <summary>Drops a computed value that is no longer needed.</summary>
    /// <param name="name">Value name.</param>
    public void Release(string name)
    {
        if (_values.Remove(name, out OnnxTensor? t))
        {
            _live -= t.ElementCount;
        }
    }

    /// <summary>Builds a failure for <paramref name="node"/>.</summary>
    /// <param name="node">The node.</param>
    /// <param name="message">What is wrong.</param>
    /// <returns>The exception to throw.</returns>
    public static OnnxImportException Fail(OnnxNode node, string message) =>
        new($"{node.OpType} node '{node.DisplayName}': {message}");
}
