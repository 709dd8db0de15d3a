using System.Buffers.Binary;
using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Format;

namespace EdgeMicro.Core.Tests.Support;

/// <summary>A count, length, dimension or scalar field of a blob: where it is and how wide (2 or 4 bytes).</summary>
public readonly record struct BlobField(string Name, int Offset, int Width, int Layer = -1);

/// <summary>
/// Walks a VALID blob (written by the test itself) and lists the offsets of its header fields, section headers, every
/// count and length of the canonical model section, every layer shape field and the self-test/bin counts, so the fuzzer
/// can aim absurd values at exactly the places a parser trusts. Also repairs the total length and both CRCs after a
/// mutation so that the damage reaches the parser and the validator instead of failing the checksum.
/// </summary>
public static class BlobLayout
{
    /// <summary>Lists the fields of a valid blob.</summary>
    public static List<BlobField> Fields(byte[] blob)
    {
        var f = new List<BlobField>
        {
            new("format version", 4, 2), new("header length", 6, 2), new("model version", 8, 4), new("total length", 12, 4),
            new("model CRC", 16, 4), new("section count", 20, 2), new("flags", 22, 2),
        };
        int at = ModelBlobFormat.HeaderLength;
        while (at + 8 <= blob.Length - 4)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(at));
            int length = BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan(at + 4));
            f.Add(new("section id", at, 2));
            f.Add(new("section length", at + 4, 4));
            int payload = at + 8;
            if (id == ModelBlobFormat.SectionModel)
            {
                ModelFields(blob, payload, f);
            }
            else if (id == ModelBlobFormat.SectionSelfTest)
            {
                SelfTestFields(blob, payload, f);
            }
            else if (id == ModelBlobFormat.SectionFeatureBins)
            {
                f.Add(new("bins feature count", payload, 2));
                f.Add(new("edges per feature", payload + 2, 2));
            }

            at = payload + length + ((4 - (length & 3)) & 3);
        }

        return f;
    }

    /// <summary>
    /// Makes a mutated blob self-consistent where it still can be: total length, the model CRC over the first
    /// section's payload (when its header is readable) and the file CRC.
    /// </summary>
    public static void Repair(byte[] blob)
    {
        if (blob.Length < ModelBlobFormat.HeaderLength + 4)
        {
            return;
        }

        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(12), blob.Length);
        int at = ModelBlobFormat.HeaderLength;
        if (at + 8 <= blob.Length - 4)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan(at + 4));
            if (length >= 0 && length <= blob.Length - 4 - at - 8)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(16), Crc32.Compute(blob, at + 8, length));
            }
        }

        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(blob.Length - 4), Crc32.Compute(blob, 0, blob.Length - 4));
    }

    private static void ModelFields(byte[] b, int at, List<BlobField> f)
    {
        var r = new Cursor(b, at, f);
        r.String("model id");
        r.Scalar("model version", 4);
        int names = r.Scalar("class name count", 2);
        for (int i = 0; i < names; i++)
        {
            r.String("class name");
        }

        r.Scalar("feature count", 4);
        r.Scalar("input fraction bits", 4);
        r.Array("input gather", 2);
        r.Array("input offset", 4);
        r.Array("input multiplier", 4);
        r.Array("input shift", 4);
        r.Array("input zero point", 4);
        r.Scalar("output kind", 4);
        r.Scalar("class count", 4);
        r.Array("output table", 4);
        int layers = r.Scalar("layer count", 2);
        for (int l = 0; l < layers; l++)
        {
            r.Layer = l;
            for (int k = 0; k < ModelTable.ShapeFields; k++)
            {
                r.Scalar("layer shape " + k, 4);
            }

            foreach (string name in new[] { "input zero points", "weights", "bias", "multiplier", "shift", "negative multiplier", "negative shift" })
            {
                r.Array(name, name == "weights" ? 1 : 4);
            }
        }
    }

    private static void SelfTestFields(byte[] b, int at, List<BlobField> f)
    {
        var r = new Cursor(b, at, f);
        int count = r.Scalar("self-test count", 2);
        int features = r.Scalar("self-test feature count", 2);
        for (int v = 0; v < count; v++)
        {
            r.Skip(features * 4);
            r.Scalar("self-test class", 4);
            r.Scalar("self-test confidence", 4);
            r.Scalar("self-test margin", 4);
            int outputs = r.Scalar("self-test output count", 2);
            r.Skip(outputs);
        }
    }

    /// <summary>Reads the canonical layout and records each field it passes.</summary>
    private sealed class Cursor(byte[] b, int at, List<BlobField> fields)
    {
        public int Layer { get; set; } = -1;

        public int Scalar(string name, int width)
        {
            fields.Add(new BlobField(name, at, width, Layer));
            int v = width == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(at));
            at += width;
            return v;
        }

        public void String(string name) => Skip(Scalar(name + " length", 2));

        public void Array(string name, int elementSize) => Skip(Scalar(name + " count", 4) * elementSize);

        public void Skip(int bytes) => at += bytes;
    }
}
