using System;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// Runs a quantized model with integer arithmetic only. All buffers are allocated by the constructor
    /// (two ping-pong int8 activation buffers of the largest tensor and one long scratch buffer); <see cref="Classify(int[])"/>
    /// allocates nothing. Results are read from the properties after each call. Not thread-safe: one instance per
    /// inference thread. The host twin uses this exact class, so host and device agree bit for bit.
    /// </summary>
    public sealed class Classifier
    {
        private readonly ModelDefinition _model;
        private readonly PreparedLayer[] _layers;
        private readonly ISpecializedKernel _special;
        private readonly ISpecializedInput _specialInput;
        private readonly ISpecializedHead _specialHead;
        private readonly ISpecializedNetwork _network;
        private readonly sbyte[] _networkOutput;
        private readonly int[] _headResult;
        private readonly int[] _outputTable;
        private readonly bool[] _useSpecial;
        private readonly sbyte[] _bufferA;
        private readonly sbyte[] _bufferB;
        private readonly sbyte[] _input;
        private readonly long[] _scratch;
        private readonly long[] _inputRounding;
        private sbyte[] _output;
        private int _predicted;
        private int _runnerUp;
        private int _confidence;
        private int _margin;

        /// <summary>Initializes a new instance of the <see cref="Classifier"/> class with the generic kernels.</summary>
        /// <param name="model">The model (validated here).</param>
        public Classifier(ModelDefinition model)
            : this(model, null)
        {
        }

        /// <summary>Initializes a new instance of the <see cref="Classifier"/> class.</summary>
        /// <param name="model">The model (validated here).</param>
        /// <param name="special">Generated kernels for some layers, or null; when it also implements
        /// <see cref="ISpecializedInput"/> or <see cref="ISpecializedHead"/> and accepts the model, it quantizes the
        /// input or evaluates the head too; when it implements <see cref="ISpecializedNetwork"/> and accepts the whole
        /// model, <see cref="Classify(int[])"/> runs the whole inference in its one fused method.</param>
        public Classifier(ModelDefinition model, ISpecializedKernel special)
        {
            ModelValidator.Validate(model);
            _model = model;
            _special = special;
            ISpecializedInput specialInput = special as ISpecializedInput;
            _specialInput = specialInput != null && specialInput.AcceptsInput(model) ? specialInput : null;
            ISpecializedHead specialHead = special as ISpecializedHead;
            _specialHead = specialHead != null && specialHead.AcceptsHead(model) ? specialHead : null;
            _headResult = new int[4];
            _outputTable = model.OutputTable;
            int layerCount = model.Layers.Length;
            bool wide = model.HasWideActivations;
            _layers = new PreparedLayer[layerCount];
            _useSpecial = new bool[layerCount];
            int largest = model.InputLength;
            int scratch = 8;
            ISpecializedWideKernel wideKernel = wide ? special as ISpecializedWideKernel : null;
            bool[] useCompiled = wideKernel != null ? new bool[layerCount] : null;
            for (int i = 0; i < layerCount; i++)
            {
                _layers[i] = wide ? SwarPacker.PrepareWide(model.Layers[i]) : SwarPacker.Prepare(model.Layers[i]);
                _useSpecial[i] = wide || (special != null && special.Accepts(i, _layers[i]));
                if (useCompiled != null)
                {
                    useCompiled[i] = wideKernel.AcceptsWide(i, _layers[i]);
                }

                if (model.Layers[i].WeightsCompiled && (wide ? useCompiled == null || !useCompiled[i] : !_useSpecial[i]))
                {
                    throw new ModelFormatException("layer " + i.ToString() + " has its weights compiled into a kernel this classifier was not given");
                }

                int outLength = model.Layers[i].OutputLength;
                largest = outLength > largest ? outLength : largest;
                largest = _layers[i].Stride > largest ? _layers[i].Stride : largest;
                scratch = _layers[i].ScratchLength > scratch ? _layers[i].ScratchLength : scratch;
            }

            _input = new sbyte[largest];
            _bufferA = new sbyte[largest];
            _bufferB = new sbyte[largest];
            _scratch = new long[scratch];
            _inputRounding = new long[model.InputLength];
            for (int j = 0; j < model.InputLength; j++)
            {
                int s = model.InputShift[j];
                unchecked
                {
                    // (x - offset) * M + r == x * M + (r - offset * M) modulo 2^64: the same 64-bit value, so the
                    // folded form is bit-exact for every input, overflow included.
                    _inputRounding[j] = (s == 0 ? 0 : 1L << (s - 1)) - ((long)model.InputOffset[j] * model.InputMultiplier[j]);
                }
            }

            int wideBytes = 0;
            ISpecializedNetwork network = wide ? null : special as ISpecializedNetwork;
            _network = network != null && network.AcceptsNetwork(model, _layers) ? network : null;
            if (wide)
            {
                // 16-bit activations: every layer runs on the int16 buffers (WideActivations as the layers' kernel).
                WideActivations runner = new WideActivations(largest, WideActivations.LargestPatch(model), layerCount, wideKernel, useCompiled);
                _special = runner;
                wideBytes = runner.HeapBytes + (useCompiled == null ? 0 : HeapSize.Of(useCompiled));
            }

            _networkOutput = ((layerCount - 1) & 1) == 0 ? _bufferA : _bufferB;
            ActivationBytes = HeapSize.Of(_input) + HeapSize.Of(_bufferA) + HeapSize.Of(_bufferB) + HeapSize.Of(_scratch) + wideBytes;
        }

        /// <summary>Gets the model.</summary>
        public ModelDefinition Model
        {
            get { return _model; }
        }

        /// <summary>Gets the prepared layers (packing mode per layer, for reports and generated kernels).</summary>
        public PreparedLayer[] Layers
        {
            get { return _layers; }
        }

        /// <summary>Gets the heap bytes of the activation buffers and scratch (<see cref="HeapSize"/>).</summary>
        public int ActivationBytes { get; private set; }

        /// <summary>Number of instance fields (including auto-property backing fields), for <see cref="HeapBytes"/>;
        /// a test checks it.</summary>
        public const int InstanceFields = 21;

        /// <summary>Gets the managed-heap bytes the classifier allocates on nanoFramework (<see cref="HeapSize"/>):
        /// itself, the prepared layers (packed weights), activation buffers, scratch and input rounding terms. The
        /// model (<see cref="ModelDefinition.HeapBytes"/>) and a specialized kernel are not included.</summary>
        public int HeapBytes
        {
            get
            {
                int bytes = HeapSize.Object(InstanceFields) + HeapSize.Array(_layers.Length, HeapSize.Block) + HeapSize.Of(_useSpecial)
                    + ActivationBytes + HeapSize.Of(_inputRounding) + HeapSize.Of(_headResult);
                for (int i = 0; i < _layers.Length; i++)
                {
                    bytes += _layers[i].HeapBytes;
                }

                return bytes;
            }
        }

        /// <summary>Gets the predicted class of the last inference.</summary>
        public int PredictedClass
        {
            get { return _predicted; }
        }

        /// <summary>Gets the second most likely class of the last inference.</summary>
        public int RunnerUpClass
        {
            get { return _runnerUp; }
        }

        /// <summary>Gets the confidence of the predicted class, Q15 (32768 = 1).</summary>
        public int ConfidenceQ15
        {
            get { return _confidence; }
        }

        /// <summary>Gets the top-1 minus top-2 probability margin, Q15.</summary>
        public int MarginQ15
        {
            get { return _margin; }
        }

        /// <summary>Gets the quantized model input of the last inference (first InputLength values; the buffer is as long
        /// as the largest tensor, as the activation buffers).</summary>
        public sbyte[] QuantizedInput
        {
            get { return _input; }
        }

        /// <summary>Gets the buffer holding the last layer's int8 outputs (first OutputLength values).</summary>
        public sbyte[] Outputs
        {
            get { return _output; }
        }

        /// <summary>Gets a value indicating whether <see cref="Classify(int[])"/> runs a fused generated network
        /// (<see cref="ISpecializedNetwork"/>, one method for the whole inference) instead of the stages one by one.</summary>
        public bool FusedNetwork
        {
            get { return _network != null; }
        }

        /// <summary>Classifies one raw sample (FeatureCount values in Q(InputFractionBits) fixed point).</summary>
        /// <param name="sample">The raw sample.</param>
        public void Classify(int[] sample)
        {
            if (_network != null)
            {
                int[] r = _headResult;
                _network.RunNetwork(sample, _input, _layers, _outputTable, _networkOutput, r);
                _output = _networkOutput;
                _predicted = r[0];
                _runnerUp = r[1];
                _confidence = r[2];
                _margin = r[3];
                return;
            }

            QuantizeInput(sample);
            Run(null);
        }

        /// <summary>Classifies one raw sample and copies each layer's output into <paramref name="capture"/> (host use).
        /// Without capture, a fused generated network (<see cref="ISpecializedNetwork"/>) runs the whole inference when
        /// the kernel accepted the model; with capture, the stages run one by one.</summary>
        /// <param name="sample">The raw sample.</param>
        /// <param name="capture">Per-layer destination arrays, or null.</param>
        public void Classify(int[] sample, sbyte[][] capture)
        {
            if (capture == null)
            {
                Classify(sample);
                return;
            }

            if (_special is WideActivations)
            {
                throw new ArgumentException("the model has 16-bit activations: capture them in short arrays");
            }

            QuantizeInput(sample);
            Run(capture);
        }

        /// <summary>Classifies one raw sample and copies each layer's output into <paramref name="capture"/> as int16
        /// (host use; any model: int8 outputs are widened, 16-bit activations copied as they are). The stages run one by
        /// one.</summary>
        /// <param name="sample">The raw sample.</param>
        /// <param name="capture">Per-layer destination arrays.</param>
        public void Classify(int[] sample, short[][] capture)
        {
            QuantizeInput(sample);
            WideActivations wide = _special as WideActivations;
            for (int i = 0; i < _layers.Length; i++)
            {
                RunLayer(i);
                int n = _layers[i].Definition.OutputLength;
                short[] destination = capture[i];
                if (wide != null)
                {
                    Array.Copy(wide.LastOutput, destination, n);
                }
                else
                {
                    for (int k = 0; k < n; k++)
                    {
                        destination[k] = _output[k];
                    }
                }
            }

            EvaluateHead();
        }

        /// <summary>Runs the layers on an already quantized model input.</summary>
        /// <param name="modelInput">InputLength int8 values.</param>
        public void ClassifyQuantized(sbyte[] modelInput)
        {
            Array.Copy(modelInput, _input, _model.InputLength);
            Run(null);
        }

        /// <summary>Inference stage 1 of <see cref="Classify(int[])"/>: quantizes a raw sample into the model input
        /// (see <see cref="ModelDefinition"/>). Public so the host can measure the stages one by one.</summary>
        /// <param name="sample">The raw sample.</param>
        public void QuantizeInput(int[] sample)
        {
            if (_specialInput != null)
            {
                _specialInput.QuantizeInput(sample, _input);
                return;
            }

            ModelDefinition m = _model;
            short[] gather = m.InputGather;
            int[] multiplier = m.InputMultiplier, shift = m.InputShift, zp = m.InputZeroPoint;
            long[] rounding = _inputRounding;
            sbyte[] q = _input;
            int n = m.InputLength;
            unchecked
            {
                if (gather == null)
                {
                    for (int j = 0; j < n; j++)
                    {
                        long v = ((((long)sample[j] * multiplier[j]) + rounding[j]) >> shift[j]) + zp[j];
                        q[j] = (sbyte)(v < -128 ? -128 : (v > 127 ? 127 : v));
                    }
                }
                else
                {
                    for (int j = 0; j < n; j++)
                    {
                        long v = ((((long)sample[gather[j]] * multiplier[j]) + rounding[j]) >> shift[j]) + zp[j];
                        q[j] = (sbyte)(v < -128 ? -128 : (v > 127 ? 127 : v));
                    }
                }
            }
        }

        /// <summary>Inference stage 2 of <see cref="Classify(int[])"/>, once per layer in order: runs layer
        /// <paramref name="index"/> from its input buffer into its output buffer (layer 0 reads the model input, then
        /// the two activation buffers alternate).</summary>
        /// <param name="index">Layer index.</param>
        public void RunLayer(int index)
        {
            sbyte[] input = index == 0 ? _input : ((index & 1) == 1 ? _bufferA : _bufferB);
            sbyte[] output = (index & 1) == 0 ? _bufferA : _bufferB;
            PreparedLayer p = _layers[index];
            if (_useSpecial[index])
            {
                _special.Run(index, p, input, output);
            }
            else
            {
                int kind = p.Definition.Kind;
                if (kind == LayerKind.Dense)
                {
                    DenseKernel.Run(p, input, output, _scratch);
                }
                else if (kind == LayerKind.Conv)
                {
                    ConvKernel.Run(p, input, output, _scratch);
                }
                else
                {
                    PoolKernel.Run(p.Definition, input, output);
                }
            }

            _output = output;
        }

        /// <summary>Inference stage 3 of <see cref="Classify(int[])"/>: evaluates the output head on the last layer's
        /// outputs into the result properties.</summary>
        public void EvaluateHead()
        {
            if (_specialHead != null)
            {
                int[] r = _headResult;
                _specialHead.EvaluateHead(_output, _outputTable, r);
                _predicted = r[0];
                _runnerUp = r[1];
                _confidence = r[2];
                _margin = r[3];
                return;
            }

            OutputHead.Evaluate(_model, _output, this);
        }

        /// <summary>Sets the result fields (used by <see cref="OutputHead"/>).</summary>
        /// <param name="predicted">Predicted class.</param>
        /// <param name="runnerUp">Runner-up class.</param>
        /// <param name="confidence">Q15 confidence.</param>
        /// <param name="margin">Q15 margin.</param>
        internal void SetResult(int predicted, int runnerUp, int confidence, int margin)
        {
            _predicted = predicted;
            _runnerUp = runnerUp;
            _confidence = confidence;
            _margin = margin;
        }

        private void Run(sbyte[][] capture)
        {
            for (int i = 0; i < _layers.Length; i++)
            {
                RunLayer(i);
                if (capture != null)
                {
                    Array.Copy(_output, capture[i], _layers[i].Definition.OutputLength);
                }
            }

            EvaluateHead();
        }
    }
}
