using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Inference
{
    /// <summary>The compiled-in weight table's form of a model (packed once at convert time, weights in code, or int8
    /// rows) and the boot-time check of its packed words.</summary>
    public static partial class SwarPacker
    {
        /// <summary>The same model with every Dense/Conv layer's weights held only in packed form (the compiled-in
        /// table's form: one copy on the heap). Other arrays are shared with <paramref name="m"/>.</summary>
        /// <param name="m">A validated model with int8 weights.</param>
        /// <returns>The packed model.</returns>
        public static ModelDefinition PackModel(ModelDefinition m)
        {
            return PackModel(m, null);
        }

        /// <summary>The compiled-in table's form of a model: layers marked in <paramref name="inCode"/> hold no weights
        /// (a generated kernel has them as constants), the other Dense/Conv layers hold them packed.</summary>
        /// <param name="m">A validated model with int8 weights.</param>
        /// <param name="inCode">Per layer: weights compiled into code; null for none.</param>
        /// <returns>The table's model.</returns>
        public static ModelDefinition PackModel(ModelDefinition m, bool[] inCode)
        {
            return PackModel(m, inCode, false);
        }

        /// <summary>The compiled-in table's form of a model, with <paramref name="int8Dense"/> keeping every Dense layer's
        /// int8 rows as the kernels' form (<see cref="LayerDefinition.PackedLanes"/> = 1, <c>--weights int8</c>).</summary>
        /// <param name="m">A validated model with int8 weights.</param>
        /// <param name="inCode">Per layer: weights compiled into code; null for none.</param>
        /// <param name="int8Dense">Whether Dense layers keep their int8 weights unpacked.</param>
        /// <returns>The table's model.</returns>
        public static ModelDefinition PackModel(ModelDefinition m, bool[] inCode, bool int8Dense)
        {
            if (m.HasWideActivations)
            {
                // 16-bit activations: the kernels read the int8 weights as they are (WideKernels), nothing to pack;
                // Dense and Conv layers compiled into a generated kernel (ISpecializedWideKernel) drop them.
                ModelDefinition same = m.ShallowCopy();
                same.Checksum = 0;
                if (inCode != null)
                {
                    same.Layers = new LayerDefinition[m.Layers.Length];
                    for (int i = 0; i < m.Layers.Length; i++)
                    {
                        LayerDefinition l = m.Layers[i];
                        if (inCode[i] && (l.Kind == LayerKind.Dense || l.Kind == LayerKind.Conv) && l.Weights != null)
                        {
                            l = l.ShallowCopy();
                            l.Weights = null;
                            l.WeightsCompiled = true;
                        }

                        same.Layers[i] = l;
                    }
                }

                return same;
            }

            ModelDefinition packed = m.ShallowCopy();
            packed.Checksum = 0;
            packed.Layers = new LayerDefinition[m.Layers.Length];
            for (int i = 0; i < m.Layers.Length; i++)
            {
                LayerDefinition l = m.Layers[i].ShallowCopy();
                if (l.Weights != null && inCode != null && inCode[i])
                {
                    l.Weights = null;
                    l.WeightsCompiled = true;
                }
                else if (int8Dense && KeepsInt8Rows(l))
                {
                    l.PackedLanes = 1;
                }
                else if (l.Weights != null)
                {
                    PreparedLayer p = Prepare(l);
                    l.PackedWeights = p.PackedWeights;
                    l.PackedBias = p.PackedBias;
                    l.PackedLanes = p.Lanes;
                    l.PackedTailRows = p.TailRows;
                    l.Weights = null;
                }

                packed.Layers[i] = l;
            }

            return packed;
        }

        /// <summary>Says whether a layer keeps its int8 rows as the kernels' form in an <c>--weights int8</c> model (the
        /// table's and the blob's one rule): Dense layers with int8 weights; Conv layers stay packed.</summary>
        /// <param name="l">The layer.</param>
        /// <returns>True for a Dense layer holding int8 weights.</returns>
        public static bool KeepsInt8Rows(LayerDefinition l)
        {
            return l.Kind == LayerKind.Dense && l.Weights != null;
        }

        /// <summary>Checks a layer that holds packed weights against its canonical fields (at boot, after the CRC,
        /// which covers only the int8 weights the lanes decode to): every word must be exactly its rows' lanes (unused
        /// lanes and row padding zero), every packed bias the folded bias, and three lanes only where they are exact.</summary>
        /// <param name="l">A packed layer.</param>
        /// <returns>Null when consistent, else what differs.</returns>
        public static string CheckPacked(LayerDefinition l)
        {
            int perOutput = l.WeightsPerOutput, lanes = l.PackedLanes, stride = l.PackedStride;
            int groups = l.Kind == LayerKind.Conv ? l.Groups : 1;
            int rowsPerGroup = (l.OutChannels / groups) - l.PackedTailRows;
            int perGroup = (rowsPerGroup + lanes - 1) / lanes;
            int laneBits = lanes == 3 ? 21 : 32;
            for (int t = 0; t < perGroup * groups; t++)
            {
                int g = t / perGroup, first = (g * rowsPerGroup) + ((t % perGroup) * lanes);
                long bias = 0;
                for (int i = 0; i < stride; i++)
                {
                    long word = 0;
                    for (int lane = 0; lane < lanes && first + lane < (g + 1) * rowsPerGroup && i < perOutput; lane++)
                    {
                        word += (long)WeightAt(l, first + lane, i) << (laneBits * lane);
                    }

                    if (word != l.PackedWeights[(t * stride) + i])
                    {
                        return "packed word " + ((t * stride) + i).ToString() + " carries bits outside its rows";
                    }
                }

                for (int lane = 0; lane < lanes && first + lane < (g + 1) * rowsPerGroup; lane++)
                {
                    unchecked
                    {
                        bias += FoldedBias(l, first + lane, perOutput) * (1L << (laneBits * lane));
                    }
                }

                if (bias != l.PackedBias[t])
                {
                    return "packed bias " + t.ToString() + " differs from the bias";
                }
            }

            if (lanes == 3 && !FitsThreeLanes(l, perOutput))
            {
                return "three lanes are not exact for these weights";
            }

            return l.PackedTailRows == 0 ? null : SwarTailRow.Check(l);
        }
    }
}
