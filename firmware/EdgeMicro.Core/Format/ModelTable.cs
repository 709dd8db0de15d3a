using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Format
{
    /// <summary>
    /// Builds a <see cref="ModelDefinition"/> from the arrays of a generated weight table (<c>*Model.g.cs</c>) and
    /// verifies the table's CRC-32 against the canonical serialization (<see cref="ModelSerializer"/>), so a
    /// partially initialised or corrupted table is caught at boot.
    /// <para>Layer shape rows hold 24 values in the order of <see cref="ModelSerializer"/>'s layer fields: kind,
    /// in C/H/W, out C/H/W, kernel H/W, stride H/W, pad top/left/bottom/right, dilation H/W, groups,
    /// count-include-pad, output zero point, activation min/max, input min/max.</para>
    /// <para>Weights are stored once, in the packed SWAR form the kernels read (<see cref="SwarPacker"/>, packed at
    /// convert time): the table's arrays are the only copy on the heap. The CRC covers the canonical int8 form
    /// (<see cref="ModelSerializer"/> unpacks the lanes while checksumming), so it equals the blob's model CRC.</para>
    /// <para>A Dense layer may pack its last row along its inputs (tail rows 1, <see cref="SwarTailRow"/>), or keep its
    /// int8 rows as the kernels' form (rows per word 1, weights given, <c>--weights int8</c>).</para>
    /// <para>A weighted layer given no packed weights (null, lanes 0) has its weights compiled into the generated
    /// kernel as IL constants (<c>--weights code</c>): flash, not heap. The verified CRC then leaves those weights out
    /// (they are bytecode, covered by the assembly's own checksum), and the model's identity CRC is carried apart.</para>
    /// </summary>
    public static class ModelTable
    {
        /// <summary>Number of values in a layer shape row.</summary>
        public const int ShapeFields = 24;

        /// <summary>Version of the generated table's layout (3: packed weights with tail rows and int8 rows, built with
        /// their counts; 2: packed weights, one copy; 1: int8 weights in parts).</summary>
        public const int FormatVersion = 3;

        /// <summary>Assembles and verifies a model from table arrays.</summary>
        /// <param name="modelId">Model id.</param>
        /// <param name="modelVersion">Model version.</param>
        /// <param name="classNames">Class names.</param>
        /// <param name="header">featureCount, inputFractionBits, outputKind, classCount.</param>
        /// <param name="inputGather">Input layout or null.</param>
        /// <param name="inputOffset">Per-element offsets.</param>
        /// <param name="inputMultiplier">Per-element multipliers.</param>
        /// <param name="inputShift">Per-element shifts.</param>
        /// <param name="inputZeroPoint">Per-element zero points.</param>
        /// <param name="outputTable">Output lookup table.</param>
        /// <param name="shapes">One shape row per layer.</param>
        /// <param name="inputZeroPoints">Per layer input zero points.</param>
        /// <param name="packedWeights">Per layer packed weights (null for pools).</param>
        /// <param name="packedBias">Per layer packed bias (null for pools).</param>
        /// <param name="packedLanes">Per layer rows per packed word (0 for pools).</param>
        /// <param name="packedTailRows">Per layer rows packed along their inputs after the row groups (0 or 1).</param>
        /// <param name="weights">Per layer int8 weights of Dense layers whose kernels read them unpacked (rows per word
        /// 1), null entries elsewhere; null for a table without such layers.</param>
        /// <param name="bias">Per layer bias (null for pools).</param>
        /// <param name="multiplier">Per layer multipliers.</param>
        /// <param name="shift">Per layer shifts.</param>
        /// <param name="negativeMultiplier">Per layer LeakyRelu multipliers or null entries.</param>
        /// <param name="negativeShift">Per layer LeakyRelu shifts or null entries.</param>
        /// <param name="checksum">CRC-32 of the table's canonical form (weights compiled into code left out).</param>
        /// <param name="modelChecksum">CRC-32 of the whole model's canonical form (the blob's), kept as its identity.</param>
        /// <returns>The verified, validated model.</returns>
        public static ModelDefinition Build(
            string modelId, uint modelVersion, string[] classNames, int[] header, short[] inputGather,
            int[] inputOffset, int[] inputMultiplier, int[] inputShift, int[] inputZeroPoint, int[] outputTable,
            int[][] shapes, int[][] inputZeroPoints, long[][] packedWeights, long[][] packedBias, int[] packedLanes, int[] packedTailRows, sbyte[][] weights, int[][] bias, int[][] multiplier,
            int[][] shift, int[][] negativeMultiplier, int[][] negativeShift, uint checksum, uint modelChecksum)
        {
            ModelDefinition m = new ModelDefinition();
            m.ModelId = modelId;
            m.ModelVersion = modelVersion;
            m.ClassNames = classNames;
            m.FeatureCount = header[0];
            m.InputFractionBits = header[1];
            m.OutputKind = header[2];
            m.ClassCount = header[3];
            m.InputGather = inputGather;
            m.InputOffset = inputOffset;
            m.InputMultiplier = inputMultiplier;
            m.InputShift = inputShift;
            m.InputZeroPoint = inputZeroPoint;
            m.OutputTable = outputTable;
            m.Layers = new LayerDefinition[shapes.Length];
            for (int i = 0; i < shapes.Length; i++)
            {
                LayerDefinition l = FromShape(shapes[i]);
                l.InputZeroPoints = inputZeroPoints[i];
                l.PackedWeights = packedWeights[i];
                l.PackedBias = packedBias[i];
                l.PackedLanes = packedLanes[i];
                l.PackedTailRows = packedTailRows[i];
                l.Weights = weights == null ? null : weights[i];
                l.WeightsCompiled = (l.Kind == LayerKind.Dense || l.Kind == LayerKind.Conv) && packedWeights[i] == null && l.Weights == null;
                l.Bias = bias[i];
                l.Multiplier = multiplier[i];
                l.Shift = shift[i];
                l.NegativeMultiplier = negativeMultiplier[i];
                l.NegativeShift = negativeShift[i];
                m.Layers[i] = l;
            }

            uint actual = ModelSerializer.Checksum(m);
            if (actual != checksum)
            {
                throw new ModelFormatException("weight table " + modelId + " is corrupted: CRC-32 0x" + actual.ToString("X8") + ", table says 0x" + checksum.ToString("X8"));
            }

            m.Checksum = modelChecksum;
            ModelValidator.Validate(m);
            for (int i = 0; i < m.Layers.Length; i++)
            {
                string wrong = m.Layers[i].PackedWeights == null ? null : SwarPacker.CheckPacked(m.Layers[i]);
                if (wrong != null)
                {
                    throw new ModelFormatException("weight table " + modelId + " is corrupted: layer " + i.ToString() + " " + wrong);
                }
            }

            return m;
        }

        /// <summary>Writes a layer's 24 shape values (used by the exporter, so the order has one definition).</summary>
        /// <param name="l">The layer.</param>
        /// <returns>The shape row.</returns>
        public static int[] ToShape(LayerDefinition l)
        {
            return new int[]
            {
                l.Kind, l.InChannels, l.InHeight, l.InWidth, l.OutChannels, l.OutHeight, l.OutWidth,
                l.KernelHeight, l.KernelWidth, l.StrideHeight, l.StrideWidth,
                l.PadTop, l.PadLeft, l.PadBottom, l.PadRight, l.DilationHeight, l.DilationWidth, l.Groups,
                l.CountIncludePad, l.OutputZeroPoint, l.ActivationMin, l.ActivationMax, l.InputMin, l.InputMax,
            };
        }

        /// <summary>Creates a layer from its 24 shape values (arrays left empty).</summary>
        /// <param name="s">The shape row.</param>
        /// <returns>The layer.</returns>
        public static LayerDefinition FromShape(int[] s)
        {
            if (s == null || s.Length != ShapeFields)
            {
                throw new ModelFormatException("weight table layer shape must have " + ShapeFields.ToString() + " values");
            }

            LayerDefinition l = new LayerDefinition();
            l.Kind = s[0];
            l.InChannels = s[1];
            l.InHeight = s[2];
            l.InWidth = s[3];
            l.OutChannels = s[4];
            l.OutHeight = s[5];
            l.OutWidth = s[6];
            l.KernelHeight = s[7];
            l.KernelWidth = s[8];
            l.StrideHeight = s[9];
            l.StrideWidth = s[10];
            l.PadTop = s[11];
            l.PadLeft = s[12];
            l.PadBottom = s[13];
            l.PadRight = s[14];
            l.DilationHeight = s[15];
            l.DilationWidth = s[16];
            l.Groups = s[17];
            l.CountIncludePad = s[18];
            l.OutputZeroPoint = s[19];
            l.ActivationMin = s[20];
            l.ActivationMax = s[21];
            l.InputMin = s[22];
            l.InputMax = s[23];
            return l;
        }
    }
}
