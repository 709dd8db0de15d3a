using System.Buffers.Binary;
using System.Diagnostics;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Tests.Support;
using Xunit.Abstractions;

namespace EdgeMicro.Core.Tests;

/// <summary>
/// Seeded mutation fuzzing of real blobs: loading either succeeds or throws <see cref="ModelFormatException"/> with a
/// message; a loaded model builds a classifier and runs an inference and its self-tests without any other exception.
/// In half of the cases the total length and both CRCs are recomputed after mutating, so the damage reaches the
/// section parser, the model parser and the validator instead of stopping at the checksum.
/// </summary>
public sealed class BlobFuzzTests
{
    private const int Cases = 12_000;

    /// <summary>Most a single mutated blob may make the loader allocate (blob, model, classifier, self-tests).</summary>
    private const long MaxAllocatedPerCase = 1024 * 1024;

    private static readonly long[] Absurd =
    {
        0, 1, -1, 2, 3, 7, 63, 64, 65, 127, 128, 255, 256, 1023, 1024, 1025, 4095, 4096, 4097, 0x7FFF, 0x8000, 0xFFFF,
        0x10000, 65537, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 1 << 30, int.MaxValue, int.MinValue, -128, -129, 62, 63,
    };

    private readonly ITestOutputHelper _output;

    public BlobFuzzTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void ModelBlobReader_WhenGivenMutatedBlobs_OnlyEverThrowsModelFormatException()
    {
        // Real blobs: Dense chains, convolutions with pools, sigmoid heads, input layouts; with self-tests and bins.
        byte[][] bases = new[] { 3, 8, 21, 34, 55, 89 }.Select(s => ModelBlobWriter.Write(Blobs.Create(s, vectors: 2, edges: 3))).ToArray();
        List<BlobField>[] fields = bases.Select(BlobLayout.Fields).ToArray();
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        long slowest = 0;
        long mostAllocated = 0;
        int mostAllocatedSeed = 0;
        for (int seed = 1; seed <= Cases; seed++)
        {
            var r = new Random(seed);
            int which = r.Next(bases.Length);
            byte[] data = (byte[])bases[which].Clone();
            string ops = string.Empty;
            for (int k = 1 + (r.Next(4) == 0 ? r.Next(3) : 0); k > 0; k--)
            {
                ops += Mutate(r, ref data, fields[which], bases[(which + 1) % bases.Length]) + " ";
            }

            bool repaired = seed % 2 == 0;
            if (repaired)
            {
                BlobLayout.Repair(data);
            }

            long start = clock.ElapsedTicks;
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            string outcome = Load(data, out string? failure);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            slowest = Math.Max(slowest, clock.ElapsedTicks - start);
            if (allocated > mostAllocated)
            {
                mostAllocated = allocated;
                mostAllocatedSeed = seed;
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (failure != null && failures.Count < 20)
            {
                failures.Add("seed " + seed + " (base " + which + ", " + ops + (repaired ? "repaired" : "raw") + "): " + failure);
            }
        }

        _output.WriteLine(Cases + " cases in " + clock.ElapsedMilliseconds + " ms, slowest " + (slowest * 1000 / Stopwatch.Frequency) + " ms, most allocated " + mostAllocated + " B (seed " + mostAllocatedSeed + "): " + outcomes.Count + " outcomes, top: " + string.Join(", ", outcomes.OrderByDescending(p => p.Value).Take(12).Select(p => p.Key + "=" + p.Value)));
        Assert.True(failures.Count == 0, "fuzzing found crashes:\n" + string.Join("\n", failures));
        Assert.True(outcomes.GetValueOrDefault("loaded") > 100, "too few mutated blobs load: the fuzzer does not reach the classifier");
        Assert.True(outcomes.Count(p => p.Key.StartsWith("rejected", StringComparison.Ordinal)) > 20, "mutations must reach many different checks");
        // No wall-clock bound (it failed on loaded machines although every case was right): the cost a hostile blob can
        // impose is bounded by what it makes the loader allocate, which is deterministic. Speed is `edgemicro bench`'s.
        Assert.True(mostAllocated <= MaxAllocatedPerCase, $"seed {mostAllocatedSeed}: loading one mutated blob allocated {mostAllocated} B (bound {MaxAllocatedPerCase} B)");
    }

    /// <summary>Reads a blob, then builds a classifier, runs an inference and the self-tests.</summary>
    private static string Load(byte[] data, out string? failure)
    {
        failure = null;
        ModelBlob blob;
        try
        {
            blob = ModelBlobReader.Read(data);
        }
        catch (ModelFormatException e)
        {
            failure = string.IsNullOrWhiteSpace(e.Message) ? "ModelFormatException without a message" : null;
            return "rejected: " + Category(e.Message);
        }
        catch (Exception e)
        {
            failure = "Read threw " + e.GetType().Name + ": " + e.Message + "\n" + e.StackTrace;
            return "crashed";
        }

        try
        {
            var classifier = new Classifier(blob.Model);
            classifier.Classify(blob.SelfTestCount > 0 ? blob.SelfTestSamples[0] : new int[blob.Model.FeatureCount]);
            SelfTest.Run(blob, classifier);
            return "loaded";
        }
        catch (ModelFormatException e)
        {
            failure = string.IsNullOrWhiteSpace(e.Message) ? "ModelFormatException without a message" : null;
            return "rejected by classifier: " + Category(e.Message);
        }
        catch (Exception e)
        {
            failure = "Classifier threw " + e.GetType().Name + ": " + e.Message + "\n" + e.StackTrace;
            return "crashed";
        }
    }

    /// <summary>The message without numbers, for the outcome histogram.</summary>
    private static string Category(string message)
    {
        if (message.Contains("CRC", StringComparison.Ordinal))
        {
            return message[..message.IndexOf("CRC", StringComparison.Ordinal)] + "CRC mismatch";
        }

        string words = new(message.Where(c => !char.IsDigit(c) && c != '-').ToArray());
        return words.Length > 48 ? words[..48] : words;
    }

    private static string Mutate(Random r, ref byte[] data, List<BlobField> fields, byte[] other)
    {
        switch (r.Next(9))
        {
            case 0:
                for (int n = 1 + r.Next(8); n > 0 && data.Length > 0; n--)
                {
                    data[r.Next(data.Length)] ^= (byte)(1 << r.Next(8));
                }

                return "bitflip";
            case 1:
                for (int n = 1 + r.Next(16); n > 0 && data.Length > 0; n--)
                {
                    data[r.Next(data.Length)] = (byte)r.Next(256);
                }

                return "overwrite";
            case 2:
                Array.Resize(ref data, r.Next(data.Length));
                return "truncate";
            case 3:
                int grow = 1 + r.Next(r.Next(2) == 0 ? 8 : 300);
                int old = data.Length;
                Array.Resize(ref data, old + grow);
                r.NextBytes(data.AsSpan(old));
                return "extend";
            case 4:
                int at = r.Next(data.Length + 1), cut = Math.Min(data.Length - at, 1 + r.Next(16));
                data = r.Next(2) == 0 ? data[..at].Concat(data[(at + cut)..]).ToArray() : data[..at].Concat(other.Skip(r.Next(other.Length)).Take(1 + r.Next(64))).Concat(data[at..]).ToArray();
                return "splice";
            case 5:
            case 6:
                return Field(r, data, fields[r.Next(fields.Count)]);
            default:
                // A burst inside one layer's shape row: geometry fields must be inconsistent together to get far.
                BlobField anchor = fields.Where(f => f.Layer >= 0).ElementAt(r.Next(fields.Count(f => f.Layer >= 0)));
                List<BlobField> row = fields.Where(f => f.Layer == anchor.Layer && f.Name.StartsWith("layer shape", StringComparison.Ordinal)).ToList();
                string names = string.Empty;
                if (r.Next(3) == 0)
                {
                    // Two neighbours (height and width of a kernel, stride, dilation, input...) get the same value.
                    int k = r.Next(row.Count - 1);
                    string first = Field(r, data, row[k]);
                    return first + ";" + Field(r, data, row[k + 1], Value(data, row[k])) + ";";
                }

                for (int n = 1 + r.Next(4); n > 0; n--)
                {
                    names += Field(r, data, row[r.Next(row.Count)]) + ";";
                }

                return names;
        }
    }

    private static long Value(byte[] data, BlobField f)
    {
        if (f.Offset + f.Width > data.Length)
        {
            return 0;
        }

        return f.Width == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(f.Offset)) : BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(f.Offset));
    }

    private static string Field(Random r, byte[] data, BlobField f, long? forced = null)
    {
        if (f.Offset + f.Width > data.Length)
        {
            return "field(out of range)";
        }

        long original = Value(data, f);
        long value = forced ?? r.Next(4) switch
        {
            0 => original + r.Next(-2, 3),
            1 => original * 2,
            _ => Absurd[r.Next(Absurd.Length)],
        };
        if (f.Width == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(f.Offset), unchecked((ushort)value));
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(f.Offset), unchecked((int)value));
        }

        return f.Name + (f.Layer >= 0 ? "@L" + f.Layer : string.Empty) + "=" + unchecked((int)value);
    }
}
