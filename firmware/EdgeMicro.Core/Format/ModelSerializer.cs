using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Format
{
    /// <summary>
    /// The canonical byte form of a <see cref="ModelDefinition"/> (little-endian), used as the blob's model section
    /// and as the input of the model CRC that the compiled weight table carries. One definition of the layout:
    /// <code>
    /// string modelId; u32 modelVersion; u16 classCount; string[classCount] classNames
    /// i32 featureCount; i32 inputFractionBits; i16[] inputGather (count 0 = identity)
    /// i32[] inputOffset; i32[] inputMultiplier; i32[] inputShift; i32[] inputZeroPoint
    /// i32 outputKind; i32 classCount; i32[] outputTable
    /// u16 layerCount; per layer: i32 x 24 shape fields (order of ModelTable.ToShape),
    ///     i32[] inputZeroPoints; sbyte[] weights (a packed layer writes its unpacked int8 weights); i32[] bias; i32[] multiplier; i32[] shift;
    ///     i32[] negativeMultiplier; i32[] negativeShift
    /// arrays: i32 count then elements; count 0 means absent; strings: u16 byte count then UTF-8
    /// </code>
    /// </summary>
    public static class ModelSerializer
    {
        /// <summary>Largest element count of any array in a model (1 Mi).</summary>
        public const int MaxArrayLength = 1 << 20;

        /// <summary>Largest number of layers.</summary>
        public const int MaxLayers = 64;

        /// <summary>Largest number of classes.</summary>
        public const int MaxClasses = 256;

        /// <summary>Writes the canonical form.</summary>
        /// <param name="model">The model.</param>
        /// <param name="writer">Destination.</param>
        public static void Write(ModelDefinition model, ByteWriter writer)
        {
            writer.WriteString(model.ModelId);
            writer.WriteUInt32(model.ModelVersion);
            int names = model.ClassNames == null ? 0 : model.ClassNames.Length;
            writer.WriteInt16(names);
            for (int i = 0; i < names; i++)
            {
                writer.WriteString(model.ClassNames[i]);
            }

            writer.WriteInt32(model.FeatureCount);
            writer.WriteInt32(model.InputFractionBits);
            writer.WriteInt16Array(model.InputGather);
            writer.WriteInt32Array(model.InputOffset);
            writer.WriteInt32Array(model.InputMultiplier);
            writer.WriteInt32Array(model.InputShift);
            writer.WriteInt32Array(model.InputZeroPoint);
            writer.WriteInt32(model.OutputKind);
            writer.WriteInt32(model.ClassCount);
            writer.WriteInt32Array(model.OutputTable);
            int layers = model.Layers == null ? 0 : model.Layers.Length;
            writer.WriteInt16(layers);
            for (int i = 0; i < layers; i++)
            {
                WriteLayer(model.Layers[i], writer);
            }
        }

        /// <summary>CRC-32 of the canonical form, computed without materialising it (used at boot).</summary>
        /// <param name="model">The model.</param>
        /// <returns>The CRC.</returns>
        public static uint Checksum(ModelDefinition model)
        {
            ByteWriter writer = new ByteWriter(true);
            Write(model, writer);
            return writer.Checksum();
        }

        /// <summary>CRC-32 of one layer's canonical form (shape, zero points, weights, bias, requantization): identifies
        /// the layer a generated kernel with compiled-in weights was made for.</summary>
        /// <param name="layer">The layer.</param>
        /// <returns>The CRC.</returns>
        public static uint LayerChecksum(LayerDefinition layer)
        {
            ByteWriter writer = new ByteWriter(true);
            WriteLayer(layer, writer);
            return writer.Checksum();
        }

        /// <summary>Serializes to a new array.</summary>
        /// <param name="model">The model.</param>
        /// <returns>The canonical bytes.</returns>
        public static byte[] ToBytes(ModelDefinition model)
        {
            ByteWriter writer = new ByteWriter(false);
            Write(model, writer);
            return writer.ToArray();
        }

        /// <summary>Reads the canonical form (structure only; call <see cref="ModelValidator.Validate"/> after).</summary>
        /// <param name="reader">Source positioned at the model section.</param>
        /// <returns>The model.</returns>
        public static ModelDefinition Read(ByteReader reader)
        {
            ModelDefinition m = new ModelDefinition();
            m.ModelId = reader.ReadString("model id");
            m.ModelVersion = reader.ReadUInt32("model version");
            int names = reader.ReadUInt16("class name count");
            if (names > MaxClasses)
            {
                throw reader.Error("class name count " + names.ToString() + " exceeds " + MaxClasses.ToString());
            }

            m.ClassNames = new string[names];
            for (int i = 0; i < names; i++)
            {
                m.ClassNames[i] = reader.ReadString("class name");
            }

            m.FeatureCount = reader.ReadInt32("feature count");
            m.InputFractionBits = reader.ReadInt32("input fraction bits");
            m.InputGather = reader.ReadInt16Array("input gather", MaxArrayLength);
            m.InputOffset = reader.ReadInt32Array("input offset", MaxArrayLength);
            m.InputMultiplier = reader.ReadInt32Array("input multiplier", MaxArrayLength);
            m.InputShift = reader.ReadInt32Array("input shift", MaxArrayLength);
            m.InputZeroPoint = reader.ReadInt32Array("input zero point", MaxArrayLength);
            m.OutputKind = reader.ReadInt32("output kind");
            m.ClassCount = reader.ReadInt32("class count");
            m.OutputTable = reader.ReadInt32Array("output table", 256);
            int layers = reader.ReadUInt16("layer count");
            if (layers > MaxLayers)
            {
                throw reader.Error("layer count " + layers.ToString() + " exceeds " + MaxLayers.ToString());
            }

            m.Layers = new LayerDefinition[layers];
            for (int i = 0; i < layers; i++)
            {
                m.Layers[i] = ReadLayer(reader);
            }

            return m;
        }

        private static void WriteLayer(LayerDefinition l, ByteWriter w)
        {
            int[] shape = ModelTable.ToShape(l);
            for (int k = 0; k < shape.Length; k++)
            {
                w.WriteInt32(shape[k]);
            }

            w.WriteInt32Array(l.InputZeroPoints);
            if (l.WeightsCompiled)
            {
                // Weights compiled into a kernel are not data: the form a compiled-in table verifies leaves them out.
                w.WriteSByteArray(null);
            }
            else if (l.Weights == null && l.PackedWeights != null)
            {
                WritePackedWeights(l, w);
            }
            else
            {
                w.WriteSByteArray(l.Weights);
            }

            w.WriteInt32Array(l.Bias);
            w.WriteInt32Array(l.Multiplier);
            w.WriteInt32Array(l.Shift);
            w.WriteInt32Array(l.NegativeMultiplier);
            w.WriteInt32Array(l.NegativeShift);
        }

        /// <summary>Writes packed weights in the int8 form they were packed from (the canonical form does not depend on
        /// how a table stores them, so the CRC is the blob's).</summary>
        private static void WritePackedWeights(LayerDefinition l, ByteWriter w)
        {
            int rows = l.OutChannels, perOutput = l.WeightsPerOutput;
            w.WriteInt32(rows * perOutput);
            for (int row = 0; row < rows; row++)
            {
                for (int i = 0; i < perOutput; i++)
                {
                    w.WriteByte(SwarPacker.WeightAt(l, row, i));
                }
            }
        }

        private static LayerDefinition ReadLayer(ByteReader r)
        {
            int[] shape = new int[ModelTable.ShapeFields];
            for (int k = 0; k < shape.Length; k++)
            {
                shape[k] = r.ReadInt32("layer shape");
            }

            LayerDefinition l = ModelTable.FromShape(shape);
            l.InputZeroPoints = r.ReadInt32Array("input zero points", MaxArrayLength);
            l.Weights = r.ReadSByteArray("weights", MaxArrayLength);
            l.Bias = r.ReadInt32Array("bias", MaxArrayLength);
            l.Multiplier = r.ReadInt32Array("multiplier", MaxArrayLength);
            l.Shift = r.ReadInt32Array("shift", MaxArrayLength);
            l.NegativeMultiplier = r.ReadInt32Array("negative multiplier", MaxArrayLength);
            l.NegativeShift = r.ReadInt32Array("negative shift", MaxArrayLength);
            return l;
        }
    }
}
