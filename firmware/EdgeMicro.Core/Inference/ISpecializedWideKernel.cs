namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// Layer kernels generated for a model with 16-bit activations (<c>--activations int16 --weights code</c>): Dense and Conv
    /// layers whose int8 weights are IL constants of the generated code. <see cref="WideActivations"/> asks once per
    /// layer at load time; layers not accepted run on <see cref="WideKernels"/>. Generated kernels must be bit-exact
    /// with <see cref="WideKernels"/>.
    /// </summary>
    public interface ISpecializedWideKernel
    {
        /// <summary>Says whether this kernel was generated for the given layer.</summary>
        /// <param name="layerIndex">Index of the layer in the model.</param>
        /// <param name="layer">The prepared layer (<see cref="SwarPacker.PrepareWide"/>).</param>
        /// <returns>True when <see cref="RunWide"/> handles it.</returns>
        bool AcceptsWide(int layerIndex, PreparedLayer layer);

        /// <summary>Runs an accepted layer.</summary>
        /// <param name="layerIndex">Index of the layer in the model.</param>
        /// <param name="layer">The prepared layer.</param>
        /// <param name="input">int16 input.</param>
        /// <param name="output">int16 output.</param>
        void RunWide(int layerIndex, PreparedLayer layer, short[] input, short[] output);
    }
}
