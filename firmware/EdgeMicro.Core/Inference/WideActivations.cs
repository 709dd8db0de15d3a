using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// The int16 activation buffers of a model with 16-bit activations and the layer loop over them
    /// (<see cref="WideKernels"/>). The model input stays int8 (the quantized input the statistics read) and is widened
    /// into the buffer layer 0 reads; the last layer's outputs, int8 by the model's validation, are narrowed into the
    /// classifier's int8 output buffer for the output head. Allocates nothing after construction.
    /// </summary>
    public sealed class WideActivations
    {
        private readonly short[] _a;
        private readonly short[] _b;
        private readonly short[] _patch;

        /// <summary>Initializes a new instance of the <see cref="WideActivations"/> class.</summary>
        /// <param name="largest">Elements of the largest tensor (input, any layer's output).</param>
        /// <param name="taps">Largest receptive field of a Conv layer (0 without one): the gather scratch.</param>
        public WideActivations(int largest, int taps)
        {
            _a = new short[largest];
            _b = new short[largest];
            _patch = new short[taps];
        }

        /// <summary>Largest receptive field (weights per output) of the model's Conv layers, 0 without one.</summary>
        /// <param name="model">The model.</param>
        /// <returns>Taps.</returns>
        public static int LargestPatch(ModelDefinition model)
        {
            int taps = 0;
            for (int i = 0; i < model.Layers.Length; i++)
            {
                LayerDefinition l = model.Layers[i];
                if (l.Kind == LayerKind.Conv && l.WeightsPerOutput > taps)
                {
                    taps = l.WeightsPerOutput;
                }
            }

            return taps;
        }

        /// <summary>Number of instance fields, for <see cref="HeapBytes"/>; a test checks it.</summary>
        public const int InstanceFields = 4;

        /// <summary>Gets the heap bytes of this object and its buffers (<see cref="HeapSize"/>).</summary>
        public int HeapBytes
        {
            get { return HeapSize.Object(InstanceFields) + HeapSize.Of(_a) + HeapSize.Of(_b) + HeapSize.Of(_patch); }
        }

        /// <summary>Gets the buffer holding the outputs of the layer run last (first OutputLength values).</summary>
        public short[] LastOutput { get; private set; }

        /// <summary>Runs layer <paramref name="index"/>: layer 0 reads the widened model input, then the two buffers
        /// alternate; the last layer's outputs are also narrowed into <paramref name="narrowOutput"/>.</summary>
        /// <param name="layers">The prepared layers (<see cref="SwarPacker.PrepareWide"/>).</param>
        /// <param name="index">Layer index.</param>
        /// <param name="modelInput">The int8 model input (read for layer 0).</param>
        /// <param name="narrowOutput">int8 destination of the last layer's outputs.</param>
        public void RunLayer(PreparedLayer[] layers, int index, sbyte[] modelInput, sbyte[] narrowOutput)
        {
            PreparedLayer p = layers[index];
            LayerDefinition l = p.Definition;
            short[] input = (index & 1) == 1 ? _a : _b;
            short[] output = (index & 1) == 0 ? _a : _b;
            if (index == 0)
            {
                for (int i = 0; i < p.InputLength; i++)
                {
                    input[i] = modelInput[i];
                }
            }

            if (l.Kind == LayerKind.Dense)
            {
                WideKernels.Dense(p, input, output);
            }
            else if (l.Kind == LayerKind.Conv)
            {
                WideKernels.Conv(p, input, output, _patch);
            }
            else
            {
                WideKernels.Pool(l, input, output);
            }

            LastOutput = output;
            if (index == layers.Length - 1)
            {
                int n = l.OutputLength;
                for (int i = 0; i < n; i++)
                {
                    narrowOutput[i] = (sbyte)output[i];
                }
            }
        }
    }
}
