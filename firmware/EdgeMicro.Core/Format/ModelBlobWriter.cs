using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Format
{
    /// <summary>Writes <see cref="ModelBlob"/>s in the <see cref="ModelBlobFormat"/> layout (deterministic bytes).</summary>
    public static class ModelBlobWriter
    {
        /// <summary>Serializes a blob.</summary>
        /// <param name="blob">The blob.</param>
        /// <returns>The file bytes.</returns>
        public static byte[] Write(ModelBlob blob)
        {
            byte[] model = ModelSerializer.ToBytes(blob.Model);
            ByteWriter w = new ByteWriter(false);
            w.WriteBytes(ModelBlobFormat.Magic, 0, 4);
            w.WriteInt16(ModelBlobFormat.Version);
            w.WriteInt16(ModelBlobFormat.HeaderLength);
            w.WriteUInt32(blob.Model.ModelVersion);
            int totalAt = w.Length;
            w.WriteInt32(0);
            w.WriteUInt32(Crc32.Compute(model));
            int sections = 1 + (blob.SelfTestCount > 0 ? 1 : 0) + (blob.EdgesPerFeature > 0 ? 1 : 0);
            w.WriteInt16(sections);
            w.WriteInt16(Flags(blob.Model));

            Section(w, ModelBlobFormat.SectionModel, model);
            if (blob.SelfTestCount > 0)
            {
                Section(w, ModelBlobFormat.SectionSelfTest, SelfTests(blob));
            }

            if (blob.EdgesPerFeature > 0)
            {
                ByteWriter bins = new ByteWriter(false);
                bins.WriteInt16(blob.Model.FeatureCount);
                bins.WriteInt16(blob.EdgesPerFeature);
                for (int i = 0; i < blob.FeatureBinEdges.Length; i++)
                {
                    bins.WriteInt32(blob.FeatureBinEdges[i]);
                }

                Section(w, ModelBlobFormat.SectionFeatureBins, bins.ToArray());
            }

            w.PatchInt32(totalAt, w.Length + 4);
            byte[] body = w.ToArray();
            w.WriteUInt32(Crc32.Compute(body));
            return w.ToArray();
        }

        private static byte[] SelfTests(ModelBlob blob)
        {
            ByteWriter t = new ByteWriter(false);
            t.WriteInt16(blob.SelfTestCount);
            t.WriteInt16(blob.Model.FeatureCount);
            for (int v = 0; v < blob.SelfTestCount; v++)
            {
                int[] sample = blob.SelfTestSamples[v];
                for (int i = 0; i < sample.Length; i++)
                {
                    t.WriteInt32(sample[i]);
                }

                t.WriteInt32(blob.SelfTestClasses[v]);
                t.WriteInt32(blob.SelfTestConfidences[v]);
                t.WriteInt32(blob.SelfTestMargins[v]);
                sbyte[] outputs = blob.SelfTestOutputs[v];
                t.WriteInt16(outputs.Length);
                for (int i = 0; i < outputs.Length; i++)
                {
                    t.WriteByte(outputs[i]);
                }
            }

            return t.ToArray();
        }

        private static void Section(ByteWriter w, int id, byte[] payload)
        {
            w.WriteInt16(id);
            w.WriteInt16(0);
            w.WriteInt32(payload.Length);
            w.WriteBytes(payload, 0, payload.Length);
            w.Align4();
        }

        private static int Flags(ModelDefinition model)
        {
            for (int i = 0; i < model.Layers.Length; i++)
            {
                if (SwarPacker.KeepsInt8Rows(model.Layers[i]) && model.Layers[i].PackedLanes == 1)
                {
                    return ModelBlobFormat.FlagInt8Dense;
                }
            }

            return 0;
        }
    }
}
