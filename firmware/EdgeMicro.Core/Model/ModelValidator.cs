namespace EdgeMicro.Core.Model
{
    /// <summary>
    /// Semantic checks of a <see cref="ModelDefinition"/>: every shape, count, range and chain link the kernels rely
    /// on. Runs on every model before it is prepared (blob, compiled table, host). Arithmetic is done in 64 bits on
    /// values already range-checked, so hostile numbers produce a <see cref="ModelFormatException"/>, never an
    /// overflow.
    /// </summary>
    public static class ModelValidator
    {
        /// <summary>Largest channel count.</summary>
        public const int MaxChannels = 4096;

        /// <summary>Largest feature map height or width.</summary>
        public const int MaxSpatial = 1024;

        /// <summary>Largest activation tensor (elements).</summary>
        public const int MaxActivation = 65536;

        /// <summary>Largest kernel height or width, stride, dilation or padding.</summary>
        public const int MaxKernel = 64;

        /// <summary>Largest input multiplier (2^30 - 1): (x - offset) * multiplier + rounding then fits 64 bits.</summary>
        public const int MaxInputMultiplier = (1 << 30) - 1;

        /// <summary>Largest number of raw features in a sample (the blob stores the count in 16 bits).</summary>
        public const int MaxFeatures = 65535;

        /// <summary>Largest number of weights in a model.</summary>
        public const int MaxWeights = 1 << 20;

        /// <summary>Largest magnitude of a 16-bit activation (symmetric int16: -32768 is never produced).</summary>
        public const int WideLimit = 32767;

        /// <summary>Checks the model; throws on the first problem.</summary>
        /// <param name="m">The model.</param>
        public static void Validate(ModelDefinition m)
        {
            if (m == null || m.Layers == null || m.Layers.Length == 0)
            {
                throw new ModelFormatException("model has no layers");
            }

            Range("class count", m.ClassCount, 2, 256);
            if (m.ClassNames != null && m.ClassNames.Length != 0 && m.ClassNames.Length != m.ClassCount)
            {
                throw new ModelFormatException("model has " + m.ClassNames.Length.ToString() + " class names for " + m.ClassCount.ToString() + " classes");
            }

            Range("feature count", m.FeatureCount, 1, MaxFeatures);
            Range("input fraction bits", m.InputFractionBits, 0, 24);
            int n = m.InputLength;
            Range("input length", n, 1, MaxActivation);
            Length("input offset", m.InputOffset, n);
            Length("input multiplier", m.InputMultiplier, n);
            Length("input shift", m.InputShift, n);
            if (m.InputGather == null)
            {
                if (n != m.FeatureCount)
                {
                    throw new ModelFormatException("input length " + n.ToString() + " differs from feature count " + m.FeatureCount.ToString() + " and there is no input layout");
                }
            }
            else
            {
                Length("input gather", m.InputGather, n);
            }

            for (int j = 0; j < n; j++)
            {
                if (m.InputGather != null)
                {
                    Range("input gather", m.InputGather[j], 0, m.FeatureCount - 1);
                }

                Range("input multiplier", m.InputMultiplier[j], 0, MaxInputMultiplier);
                Range("input shift", m.InputShift[j], 0, 62);
                Range("input zero point", m.InputZeroPoint[j], -128, 127);
            }

            Range("output kind", m.OutputKind, OutputKind.Softmax, OutputKind.Sigmoid);
            Length("output table", m.OutputTable, 256);
            for (int k = 0; k < 256; k++)
            {
                Range("output table", m.OutputTable[k], 0, 1 << 16);
            }

            if (m.OutputKind == OutputKind.Softmax && m.OutputTable[0] != 1 << 16)
            {
                throw new ModelFormatException("softmax output table must start with 65536");
            }
            ValidateLayers(m, n);
        }

        private static void ValidateLayers(ModelDefinition m, int inputLength)
        {
            long totalWeights = 0;
            int prevLength = inputLength;
            int prevMin = -128, prevMax = 127;
            bool prevWide = false, wide = m.HasWideActivations;
            for (int i = 0; i < m.Layers.Length; i++)
            {
                LayerDefinition l = m.Layers[i];
                if (l == null)
                {
                    throw new ModelFormatException("layer " + i.ToString() + " is missing");
                }

                string at = "layer " + i.ToString() + " (" + LayerKind.Name(l.Kind) + ")";

                Range(at + " kind", l.Kind, LayerKind.Dense, LayerKind.AveragePool);
                Range(at + " in channels", l.InChannels, 1, MaxChannels);
                Range(at + " in height", l.InHeight, 1, MaxSpatial);
                Range(at + " in width", l.InWidth, 1, MaxSpatial);
                Range(at + " out channels", l.OutChannels, 1, MaxChannels);
                Range(at + " out height", l.OutHeight, 1, MaxSpatial);
                Range(at + " out width", l.OutWidth, 1, MaxSpatial);
                CheckLength(at + " input", (long)l.InChannels * l.InHeight * l.InWidth);
                CheckLength(at + " output", (long)l.OutChannels * l.OutHeight * l.OutWidth);
                if (l.InputLength != prevLength)
                {
                    throw new ModelFormatException(at + " takes " + l.InputLength.ToString() + " inputs but receives " + prevLength.ToString());
                }

                if (l.InputMin != prevMin || l.InputMax != prevMax)
                {
                    throw new ModelFormatException(at + " input range differs from the previous layer's clamp");
                }

                if (l.WideOutput)
                {
                    if (i == m.Layers.Length - 1)
                    {
                        throw new ModelFormatException(at + " is the last layer and has 16-bit outputs; the output head reads int8");
                    }

                    Range(at + " output zero point (16-bit outputs are symmetric)", l.OutputZeroPoint, 0, 0);
                    Range(at + " activation min", l.ActivationMin, -WideLimit, WideLimit);
                    Range(at + " activation max", l.ActivationMax, l.ActivationMin, WideLimit);
                }
                else
                {
                    Range(at + " output zero point", l.OutputZeroPoint, -128, 127);
                    Range(at + " activation min", l.ActivationMin, -128, 127);
                    Range(at + " activation max", l.ActivationMax, l.ActivationMin, 127);
                }

                Length(at + " input zero points", l.InputZeroPoints, l.Kind == LayerKind.Dense ? l.InputLength : l.InChannels);
                for (int c = 0; c < l.InputZeroPoints.Length; c++)
                {
                    Range(at + " input zero point", l.InputZeroPoints[c], prevWide ? 0 : -128, prevWide ? 0 : 127);
                }

                if (wide && (l.PackedWeights != null || l.PackedLanes != 0))
                {
                    throw new ModelFormatException(at + " is packed, but a model with 16-bit activations keeps int8 weights as they are (or compiled into a kernel)");
                }

                if (l.Kind != LayerKind.Dense && l.Kind != LayerKind.Conv && l.WideOutput != prevWide)
                {
                    throw new ModelFormatException(at + " is a pool and changes the activation width");
                }

                if (l.Kind == LayerKind.Dense || l.Kind == LayerKind.Conv)
                {
                    totalWeights += ValidateWeighted(l, at);
                    if (totalWeights > MaxWeights)
                    {
                        throw new ModelFormatException("model has more than " + MaxWeights.ToString() + " weights");
                    }
                }
                else
                {
                    ValidatePool(l, at);
                }

                prevLength = l.OutputLength;
                prevMin = l.ActivationMin;
                prevMax = l.ActivationMax;
                prevWide = l.WideOutput;
            }

            LayerDefinition last = m.Layers[m.Layers.Length - 1];
            int expected = m.OutputKind == OutputKind.Sigmoid && m.ClassCount == 2 && last.OutputLength == 1 ? 1 : m.ClassCount;
            if (last.OutputLength != expected)
            {
                throw new ModelFormatException("last layer has " + last.OutputLength.ToString() + " outputs for " + m.ClassCount.ToString() + " classes");
            }
        }

        private static long ValidateWeighted(LayerDefinition l, string at)
        {
            if (l.Kind == LayerKind.Dense)
            {
                if (l.OutHeight != 1 || l.OutWidth != 1)
                {
                    throw new ModelFormatException(at + " output must be a vector");
                }
            }
            else
            {
                Range(at + " groups", l.Groups, 1, l.InChannels);
                if (l.InChannels % l.Groups != 0 || l.OutChannels % l.Groups != 0)
                {
                    throw new ModelFormatException(at + " groups " + l.Groups.ToString() + " do not divide the channels");
                }

                CheckWindow(l, at, l.DilationHeight, l.DilationWidth);
            }

            long perOutput = l.Kind == LayerKind.Dense ? l.InputLength : (long)(l.InChannels / l.Groups) * l.KernelHeight * l.KernelWidth;
            long count = perOutput * l.OutChannels;
            if (count > MaxWeights)
            {
                throw new ModelFormatException(at + " has more than " + MaxWeights.ToString() + " weights");
            }

            ValidateWeightStorage(l, at, (int)count);
            int oc = l.OutChannels;
            Length(at + " bias", l.Bias, oc);
            Length(at + " multiplier", l.Multiplier, oc);
            Length(at + " shift", l.Shift, oc);
            CheckRequant(at, l.Multiplier, l.Shift);
            if (l.NegativeMultiplier != null || l.NegativeShift != null)
            {
                Length(at + " negative multiplier", l.NegativeMultiplier, oc);
                Length(at + " negative shift", l.NegativeShift, oc);
                CheckRequant(at + " negative", l.NegativeMultiplier, l.NegativeShift);
            }

            return count;
        }

        private static void ValidatePool(LayerDefinition l, string at)
        {
            if (l.InChannels != l.OutChannels)
            {
                throw new ModelFormatException(at + " changes the channel count");
            }

            if (l.Weights != null || l.PackedWeights != null || l.Bias != null || l.Multiplier != null || l.Shift != null)
            {
                throw new ModelFormatException(at + " must not carry weights");
            }

            Range(at + " count include pad", l.CountIncludePad, 0, 1);
            CheckWindow(l, at, 1, 1);
            bool padsCount = l.Kind == LayerKind.AveragePool && l.CountIncludePad != 0;
            if (!padsCount && (l.PadTop >= l.KernelHeight || l.PadBottom >= l.KernelHeight || l.PadLeft >= l.KernelWidth || l.PadRight >= l.KernelWidth))
            {
                // A window entirely in padding has no input tap: its max is undefined and its in-bounds average has
                // nothing to divide (only an average that counts the padded zeros is defined there).
                throw new ModelFormatException(at + " padding (top " + l.PadTop.ToString() + ", left " + l.PadLeft.ToString() + ", bottom " + l.PadBottom.ToString() + ", right " + l.PadRight.ToString() + ") must be smaller than its " + l.KernelHeight.ToString() + "x" + l.KernelWidth.ToString() + " window: a window would lie entirely in padding");
            }
        }

        private static void CheckWindow(LayerDefinition l, string at, int dilationH, int dilationW)
        {
            Range(at + " kernel height", l.KernelHeight, 1, MaxKernel);
            Range(at + " kernel width", l.KernelWidth, 1, MaxKernel);
            Range(at + " stride height", l.StrideHeight, 1, MaxKernel);
            Range(at + " stride width", l.StrideWidth, 1, MaxKernel);
            Range(at + " dilation height", dilationH, 1, MaxKernel);
            Range(at + " dilation width", dilationW, 1, MaxKernel);
            Range(at + " pad top", l.PadTop, 0, MaxKernel);
            Range(at + " pad left", l.PadLeft, 0, MaxKernel);
            Range(at + " pad bottom", l.PadBottom, 0, MaxKernel);
            Range(at + " pad right", l.PadRight, 0, MaxKernel);
            int spanH = (dilationH * (l.KernelHeight - 1)) + 1;
            int spanW = (dilationW * (l.KernelWidth - 1)) + 1;
            int outH = ((l.InHeight + l.PadTop + l.PadBottom - spanH) / l.StrideHeight) + 1;
            int outW = ((l.InWidth + l.PadLeft + l.PadRight - spanW) / l.StrideWidth) + 1;
            if (l.InHeight + l.PadTop + l.PadBottom < spanH || l.InWidth + l.PadLeft + l.PadRight < spanW || outH != l.OutHeight || outW != l.OutWidth)
            {
                throw new ModelFormatException(at + " output " + l.OutHeight.ToString() + "x" + l.OutWidth.ToString() + " does not match its window");
            }
        }

        private static void CheckRequant(string at, int[] multiplier, int[] shift)
        {
            for (int o = 0; o < multiplier.Length; o++)
            {
                Range(at + " multiplier", multiplier[o], 0, int.MaxValue);
                Range(at + " shift", shift[o], 1, 62);
            }
        }

        private static void CheckLength(string what, long length)
        {
            if (length < 1 || length > MaxActivation)
            {
                throw new ModelFormatException(what + " has " + length.ToString() + " elements, limit " + MaxActivation.ToString());
            }
        }

        private static void ValidateWeightStorage(LayerDefinition l, string at, int count)
        {
            if (l.WeightsCompiled)
            {
                if (l.Weights != null || l.PackedWeights != null || l.PackedBias != null)
                {
                    throw new ModelFormatException(at + " has weights compiled into code and also as data");
                }

                return;
            }

            if (l.Weights != null || l.PackedWeights == null)
            {
                Length(at + " weights", l.Weights, count);
                if (l.PackedWeights != null || l.PackedBias != null)
                {
                    throw new ModelFormatException(at + " holds its weights both as int8 and packed");
                }

                if (l.PackedLanes != 0 && (l.PackedLanes != 1 || l.Kind != LayerKind.Dense) || l.PackedTailRows != 0)
                {
                    throw new ModelFormatException(at + " holds int8 weights with " + l.PackedLanes.ToString() + " rows per word, expected 0 (packed at load) or 1 (Dense rows read as int8)");
                }

                return;
            }

            if (l.PackedLanes != 2 && l.PackedLanes != 3)
            {
                throw new ModelFormatException(at + " packs " + l.PackedLanes.ToString() + " rows per word, expected 2 or 3");
            }

            if (l.PackedTailRows != 0 && (l.PackedTailRows != 1 || l.PackedLanes != 3 || l.Kind != LayerKind.Dense || l.OutChannels % 3 != 1))
            {
                throw new ModelFormatException(at + " packs " + l.PackedTailRows.ToString() + " tail rows, expected 1 only for a three-lane Dense layer with 3k+1 outputs, else 0");
            }

            int groups = l.PackedRowGroups(l.PackedLanes);
            Length(at + " packed weights", l.PackedWeights, (groups * l.PackedStride) + l.PackedTailWords);
            Length(at + " packed bias", l.PackedBias, groups + l.PackedTailRows);
        }

        private static void Length(string what, System.Array array, int expected)
        {
            int actual = array == null ? 0 : array.Length;
            if (actual != expected)
            {
                throw new ModelFormatException(what + " has " + actual.ToString() + " values, expected " + expected.ToString());
            }
        }

        private static void Range(string what, int value, int min, int max)
        {
            if (value < min || value > max)
            {
                throw new ModelFormatException(what + " is " + value.ToString() + ", expected " + min.ToString() + ".." + max.ToString());
            }
        }
    }
}
