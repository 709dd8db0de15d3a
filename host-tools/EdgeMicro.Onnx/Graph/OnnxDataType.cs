namespace EdgeMicro.Onnx.Graph;

/// <summary>Element type of an <see cref="OnnxTensor"/> once imported (doubles become floats, int32 becomes int64).</summary>
public enum OnnxDataType
{
    /// <summary>32-bit float (ONNX FLOAT, or DOUBLE narrowed).</summary>
    Float,

    /// <summary>64-bit integer (ONNX INT64, or INT32 widened): shapes, pads, axes.</summary>
    Int64,
}
