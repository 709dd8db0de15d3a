using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Format
{
    /// <summary>
    /// Loads <c>.emm</c> blobs (<see cref="ModelBlobFormat"/>) with full bounds checks: length, magic, version,
    /// whole-file CRC, section table, model CRC, then the model's semantic validation. Any defect throws one
    /// <see cref="ModelFormatException"/> saying what and at which byte; nothing is returned half-loaded.
    /// </summary>
    public static class ModelBlobReader
    {
        /// <summary>Reads and validates a blob.</summary>
        /// <param name="data">The file bytes.</param>
        /// <returns>The blob.</returns>
        public static ModelBlob Read(byte[] data)
        {
            if (data == null || data.Length < ModelBlobFormat.HeaderLength + 4)
            {
                throw new ModelFormatException("model blob is too short (" + (data == null ? 0 : data.Length).ToString() + " bytes)");
            }

            if (data.Length > ModelBlobFormat.MaxLength)
            {
                throw new ModelFormatException("model blob is larger than " + ModelBlobFormat.MaxLength.ToString() + " bytes");
            }

            ByteReader h = new ByteReader(data, 0, data.Length);
            for (int i = 0; i < 4; i++)
            {
                if (h.ReadByte("magic") != ModelBlobFormat.Magic[i])
                {
                    throw new ModelFormatException("not a model blob (bad magic)");
                }
            }

            int version = h.ReadUInt16("format version");
            if (version != ModelBlobFormat.Version)
            {
                throw new ModelFormatException("model blob format version " + version.ToString() + " is not supported (this firmware reads " + ModelBlobFormat.Version.ToString() + ")");
            }

            int headerLength = h.ReadUInt16("header length");
            uint modelVersion = h.ReadUInt32("model version");
            int total = h.ReadInt32("total length");
            uint modelCrc = h.ReadUInt32("model CRC");
            int sections = h.ReadUInt16("section count");
            int flags = h.ReadUInt16("flags");
            if ((flags & ~ModelBlobFormat.FlagInt8Dense) != 0)
            {
                throw new ModelFormatException("model blob flags 0x" + flags.ToString("X4") + " are not supported (this firmware knows 0x0001)");
            }

            if (headerLength != ModelBlobFormat.HeaderLength)
            {
                throw new ModelFormatException("model blob header length " + headerLength.ToString() + " is invalid");
            }

            if (total != data.Length)
            {
                throw new ModelFormatException("model blob says " + total.ToString() + " bytes but has " + data.Length.ToString() + " (truncated or padded)");
            }

            int body = data.Length - 4;
            uint stored = new ByteReader(data, body, 4).ReadUInt32("file CRC");
            uint actual = Crc32.Compute(data, 0, body);
            if (stored != actual)
            {
                throw new ModelFormatException("model blob CRC mismatch: stored 0x" + stored.ToString("X8") + ", computed 0x" + actual.ToString("X8"));
            }

            ModelBlob blob = new ModelBlob();
            ByteReader r = new ByteReader(data, headerLength, body - headerLength);
            bool seenSelfTest = false, seenBins = false;
            for (int s = 0; s < sections; s++)
            {
                int id = r.ReadUInt16("section id");
                r.ReadUInt16("section reserved");
                int length = r.ReadInt32("section length");
                if (length < 0 || length > r.Remaining)
                {
                    throw r.Error("section " + id.ToString() + " length " + length.ToString() + " exceeds the blob");
                }

                int start = r.Position;
                ByteReader payload = new ByteReader(data, start, length);
                if (id == ModelBlobFormat.SectionModel)
                {
                    ReadModel(blob, data, start, length, payload, modelCrc, (flags & ModelBlobFormat.FlagInt8Dense) != 0);
                }
                else if (id == ModelBlobFormat.SectionSelfTest)
                {
                    Once(ref seenSelfTest, r, id);
                    ReadSelfTests(blob, payload);
                }
                else if (id == ModelBlobFormat.SectionFeatureBins)
                {
                    Once(ref seenBins, r, id);
                    ReadBins(blob, payload);
                }

                r.Skip(length, "section payload");
                r.Skip((4 - (length & 3)) & 3, "section padding");
            }

            if (blob.Model == null)
            {
                throw new ModelFormatException("model blob has no model section");
            }

            if (blob.Model.ModelVersion != modelVersion)
            {
                throw new ModelFormatException("model blob header version differs from the model section");
            }

            CheckAgainstModel(blob);
            return blob;
        }

        private static void ReadModel(ModelBlob blob, byte[] data, int start, int length, ByteReader payload, uint modelCrc, bool int8Dense)
        {
            if (blob.Model != null)
            {
                throw payload.Error("duplicate model section");
            }

            if (Crc32.Compute(data, start, length) != modelCrc)
            {
                throw payload.Error("model section CRC differs from the header");
            }

            ModelDefinition model = ModelSerializer.Read(payload);
            if (payload.Remaining != 0)
            {
                throw payload.Error("model section has " + payload.Remaining.ToString() + " trailing bytes");
            }

            for (int i = 0; int8Dense && i < model.Layers.Length; i++)
            {
                if (SwarPacker.KeepsInt8Rows(model.Layers[i]))
                {
                    model.Layers[i].PackedLanes = 1;
                }
            }

            ModelValidator.Validate(model);
            blob.Model = model;
        }

        private static void ReadSelfTests(ModelBlob blob, ByteReader r)
        {
            int count = r.ReadUInt16("self-test count");
            int features = r.ReadUInt16("self-test feature count");
            if (count > ModelBlobFormat.MaxSelfTests)
            {
                throw r.Error("self-test count " + count.ToString() + " exceeds " + ModelBlobFormat.MaxSelfTests.ToString());
            }

            if ((long)count * ((features * 4L) + 14) > r.Remaining)
            {
                throw r.Error("self-test section is truncated");
            }

            blob.SelfTestSamples = new int[count][];
            blob.SelfTestClasses = new int[count];
            blob.SelfTestConfidences = new int[count];
            blob.SelfTestMargins = new int[count];
            blob.SelfTestOutputs = new sbyte[count][];
            for (int v = 0; v < count; v++)
            {
                int[] sample = new int[features];
                for (int i = 0; i < features; i++)
                {
                    sample[i] = r.ReadInt32("self-test sample");
                }

                blob.SelfTestSamples[v] = sample;
                blob.SelfTestClasses[v] = r.ReadInt32("self-test class");
                blob.SelfTestConfidences[v] = r.ReadInt32("self-test confidence");
                blob.SelfTestMargins[v] = r.ReadInt32("self-test margin");
                int outputs = r.ReadUInt16("self-test output count");
                if (outputs > r.Remaining)
                {
                    throw r.Error("self-test outputs are truncated");
                }

                sbyte[] q = new sbyte[outputs];
                for (int i = 0; i < outputs; i++)
                {
                    int b = r.ReadByte("self-test output");
                    q[i] = (sbyte)(b > 127 ? b - 256 : b);
                }

                blob.SelfTestOutputs[v] = q;
            }
        }

        private static void ReadBins(ModelBlob blob, ByteReader r)
        {
            int features = r.ReadUInt16("bins feature count");
            int edges = r.ReadUInt16("edges per feature");
            if (edges < 1 || edges > 64)
            {
                throw r.Error("edges per feature " + edges.ToString() + " outside 1..64");
            }

            if ((long)features * edges * 4 > r.Remaining)
            {
                throw r.Error("feature bins section is truncated");
            }

            int[] values = new int[features * edges];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = r.ReadInt32("bin edge");
                if (i % edges != 0 && values[i] < values[i - 1])
                {
                    throw r.Error("bin edges of feature " + (i / edges).ToString() + " are not ascending");
                }
            }

            blob.EdgesPerFeature = edges;
            blob.FeatureBinEdges = values;
        }

        private static void CheckAgainstModel(ModelBlob blob)
        {
            ModelDefinition m = blob.Model;
            int outputs = m.Layers[m.Layers.Length - 1].OutputLength;
            for (int v = 0; v < blob.SelfTestCount; v++)
            {
                if (blob.SelfTestSamples[v].Length != m.FeatureCount || blob.SelfTestOutputs[v].Length != outputs)
                {
                    throw new ModelFormatException("self-test vector " + v.ToString() + " does not match the model's input or output size");
                }
            }

            if (blob.EdgesPerFeature > 0 && blob.FeatureBinEdges.Length != m.FeatureCount * blob.EdgesPerFeature)
            {
                throw new ModelFormatException("feature bins do not match the model's feature count");
            }
        }

        private static void Once(ref bool seen, ByteReader r, int id)
        {
            if (seen)
            {
                throw r.Error("duplicate section " + id.ToString());
            }

            seen = true;
        }
    }
}
