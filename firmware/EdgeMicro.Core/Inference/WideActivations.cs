using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// The int16 activation buffers of a model with 16-bit activations and the layers' kernel over them
    /// (<see cref="WideKernels"/>): the classifier of such a model runs every layer through this
    /// <see cref="ISpecializedKernel"/>, so the int8 path gains no check. The model input stays int8 (the quantized
    /// input the statistics read) and is widened into the buffer layer 0 reads; the last layer's outputs, int8 by the
    /// model's validation, are narrowed into the classifier's int8 output buffer for the output head. Allocates
    /// nothing after construction.
    /// </summary>
    public sealed class WideActivations : ISpecializedKernel
    {
        private readonly short[] _a;
        private readonly short[] _b;
        private readonly short[] _patch;
        private readonly int _layerCount;
        private readonly ISpecializedWideKernel _compiled;
        private readonly bool[] _useCompiled;

        /// <summary>Initializes a new instance of the <see cref="WideActivations"/> class.</summary>
        /// <param name="largest">Elements of the largest tensor (input, any layer's output).</param>
        /// <param name="taps">Largest receptive field of a Conv layer (0 without one): the gather scratch.</param>
        /// <param name="layerCount">Layers of the model (the last one's outputs are narrowed to int8).</param>
        public WideActivations(int largest, int taps, int layerCount)
            : this(largest, taps, layerCount, null, null)
        {
        }

        /// <summary>Initializes a new instance of the <see cref="WideActivations"/> class with generated layer kernels.</summary>
        /// <param name="largest">Elements of the largest tensor (input, any layer's output).</param>
        /// <param name="taps">Largest receptive field of a Conv layer (0 without one): the gather scratch.</param>
        /// <param name="layerCount">Layers of the model (the last one's outputs are narrowed to int8).</param>
        /// <param name="compiled">Generated kernels of some layers, or null.</param>
        /// <param name="useCompiled">Per layer: run on <paramref name="compiled"/> (it accepted the layer), or null.</param>
        public WideActivations(int largest, int taps, int layerCount, ISpecializedWideKernel compiled, bool[] useCompiled)
        {
            _a = new short[largest];
            _b = new short[largest];
            _patch = new short[taps];
            _layerCount = layerCount;
            _compiled = compiled;
            _useCompiled = useCompiled;
        }

        /// <summary>Number of instance fields, for <see cref="HeapBytes"/>; a test checks it.</summary>
        public const int InstanceFields = 7;

        /// <summary>Gets the heap bytes of this object and its buffers (<see cref="HeapSize"/>; the per-layer flags
        /// belong to the classifier, which allocates them).</summary>
        public int HeapBytes
        {
            get { return HeapSize.Object(InstanceFields) + HeapSize.Of(_a) + HeapSize.Of(_b) + HeapSize.Of(_patch); }
        }

        /// <summary>Gets the buffer holding the outputs of the layer run last (first OutputLength values).</summary>
        public short[] LastOutput { get; private set; }

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

        /// <summary>Takes every layer of the model it was made for.</summary>
        /// <param name="layerIndex">Layer index.</param>
        /// <param name="layer">The prepared layer.</param>
        /// <returns>True.</returns>
        public bool Accepts(int layerIndex, PreparedLayer layer)
        {
            return true;
        }

        /// <summary>Runs layer <paramref name="layerIndex"/>: layer 0 reads the widened model input, then the two int16
        /// buffers alternate; the last layer's outputs are also narrowed into <paramref name="output"/>.</summary>
        /// <param name="layerIndex">Layer index.</param>
        /// <param name="layer">The prepared layer (<see cref="SwarPacker.PrepareWide"/>).</param>
        /// <param name="input">The int8 model input for layer 0 (the classifier's int8 buffers otherwise, unused).</param>
        /// <param name="output">int8 destination of the last layer's outputs (unused for other layers).</param>
        public void Run(int layerIndex, PreparedLayer layer, sbyte[] input, sbyte[] output)
        {
            LayerDefinition l = layer.Definition;
            short[] from = (layerIndex & 1) == 1 ? _a : _b;
            short[] to = (layerIndex & 1) == 0 ? _a : _b;
            if (layerIndex == 0)
            {
                for (int i = 0; i < layer.InputLength; i++)
                {
                    from[i] = input[i];
                }
            }

            if (_useCompiled != null && _useCompiled[layerIndex])
            {
                _compiled.RunWide(layerIndex, layer, from, to);
            }
            else if (l.Kind == LayerKind.Dense)
            {
                WideKernels.Dense(layer, from, to);
            }
            else if (l.Kind == LayerKind.Conv)
            {
                WideKernels.Conv(layer, from, to, _patch);
            }
            else
            {
                WideKernels.Pool(l, from, to);
            }

            LastOutput = to;
            if (layerIndex == _layerCount - 1)
            {
                int n = l.OutputLength;
                for (int i = 0; i < n; i++)
                {
                    output[i] = (sbyte)to[i];
                }
            }
        }
    }
}
