using System.Reflection;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Stats;
using EdgeMicro.Core.Tests.Support;

namespace EdgeMicro.Core.Tests.Inference;

/// <summary>
/// The core's HeapBytes figures against an independent count: a reflection walk over every object and array reachable
/// from the instance (skipping everything reachable from the objects it does not own), each priced with the same nanoCLR heap model.
/// </summary>
public sealed class HeapBytesTests
{
    [Theory]
    [InlineData(typeof(Classifier), Classifier.InstanceFields)]
    [InlineData(typeof(PreparedLayer), PreparedLayer.InstanceFields)]
    [InlineData(typeof(ModelDefinition), ModelDefinition.InstanceFields)]
    [InlineData(typeof(LayerDefinition), LayerDefinition.InstanceFields)]
    [InlineData(typeof(DeviceStatistics), DeviceStatistics.InstanceFields)]
    [InlineData(typeof(StatsCounters), StatsCounters.InstanceFields)]
    [InlineData(typeof(SampleBuffer), SampleBuffer.InstanceFields)]
    [InlineData(typeof(ModelBlob), ModelBlob.InstanceFields)]
    [InlineData(typeof(PageHinkley), DeviceStatistics.DriftInstanceFields)]
    [InlineData(typeof(ReportBuffer), ReportBuffer.InstanceFields)]
    [InlineData(typeof(ByteWriter), ByteWriter.InstanceFields)]
    [InlineData(typeof(StatsReport), StatsReport.InstanceFields)]
    [InlineData(typeof(BufferedSample), BufferedSample.InstanceFields)]
    [InlineData(typeof(WideActivations), WideActivations.InstanceFields)]
    public void InstanceFields_WhenCountedByReflection_Match(Type type, int declared)
    {
        Assert.Equal(Fields(type).Length, declared);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void HeapBytes_WhenRandomModel_CountsEveryArrayTheClassifierAndModelAllocate(int seed)
    {
        ModelDefinition model = RandomModels.Create(seed);
        var classifier = new Classifier(model);

        Assert.Equal(Walk(model, []), model.HeapBytes);
        Assert.Equal(Walk(classifier, [model]), classifier.HeapBytes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(40)]
    public void HeapBytes_WhenRandomModelWith16BitActivations_CountsTheInt16BuffersAndScratch(int firstSeed)
    {
        // The first widened random model from the seed on that has a Conv layer and loads.
        ModelDefinition model = Enumerable.Range(firstSeed, 200).Select(s => WideModels.Widen(RandomModels.Create(s)))
            .First(m => m.HasWideActivations && m.Layers.Any(l => l.Kind == LayerKind.Conv) && Loads(m));
        var classifier = new Classifier(model);

        Assert.Equal(Walk(model, []), model.HeapBytes);
        Assert.Equal(Walk(classifier, [model]), classifier.HeapBytes);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    [InlineData(3, true)]
    public void HeapBytes_WhenCompiledInTable_CountsTheTablesArraysOnceAndTheClassifiersOwn(int seed, bool int8Dense)
    {
        // The table's form: packed once (the classifier shares the arrays), or Dense rows kept int8 (--weights int8).
        ModelDefinition table = SwarPacker.PackModel(RandomModels.Create(seed), null, int8Dense);
        var classifier = new Classifier(table);

        Assert.Equal(Walk(table, []), table.HeapBytes);
        Assert.Equal(Walk(classifier, [table]), classifier.HeapBytes);
    }

    [Fact]
    public void HeapBytes_WhenDeviceStatistics_CountsCountersBufferAndDrift()
    {
        ModelBlob blob = Blobs.Create(5);
        var stats = new DeviceStatistics(blob, 1u);

        Assert.Equal(Walk(blob, []), blob.HeapBytes);
        Assert.Equal(Walk(stats, [blob]), stats.HeapBytes);
    }

    private static bool Loads(ModelDefinition m)
    {
        try
        {
            _ = new Classifier(m);
            return true;
        }
        catch (ModelFormatException)
        {
            return false;
        }
    }

    private static FieldInfo[] Fields(Type t) => t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    private static int Walk(object root, object?[] notOwned)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (object? o in notOwned)
        {
            Visit(o, seen);
        }

        return Visit(root, seen);
    }

    private static int Visit(object? o, HashSet<object> seen)
    {
        if (o == null || !seen.Add(o))
        {
            return 0;
        }

        if (o is string s)
        {
            return HeapSize.Of(s);
        }

        if (o is Array a)
        {
            Type e = a.GetType().GetElementType()!;
            if (!e.IsValueType)
            {
                return HeapSize.Array(a.Length, HeapSize.Block) + a.Cast<object?>().Sum(x => Visit(x, seen));
            }

            return HeapSize.Array(a.Length, System.Runtime.InteropServices.Marshal.SizeOf(e == typeof(bool) ? typeof(byte) : e));
        }

        FieldInfo[] fields = Fields(o.GetType());
        return HeapSize.Object(fields.Length) + fields.Where(f => !f.FieldType.IsValueType).Sum(f => Visit(f.GetValue(o), seen));
    }
}
