using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Onnx.Lowering;

/// <summary>Constant zero padding of the spatial axes, from Pad node(s), waiting to be merged into the next layer.</summary>
/// <param name="Node">The (last) Pad node.</param>
/// <param name="Top">Rows above (0 for 1-D data).</param>
/// <param name="Left">Columns left.</param>
/// <param name="Bottom">Rows below (0 for 1-D data).</param>
/// <param name="Right">Columns right.</param>
/// <param name="Names">Names of the Pad nodes.</param>
internal sealed record PendingPad(OnnxNode Node, int Top, int Left, int Bottom, int Right, IReadOnlyList<string> Names)
{
    /// <summary>Whether the padding adds nothing.</summary>
    public bool IsZero => Top == 0 && Left == 0 && Bottom == 0 && Right == 0;
}
