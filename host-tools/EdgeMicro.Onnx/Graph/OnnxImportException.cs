namespace EdgeMicro.Onnx.Graph;

/// <summary>
/// The single exception type of the ONNX importer: the file is unreadable, not a valid ONNX protobuf, malformed,
/// out of the supported bounds, or uses something the importer, evaluator or lowering does not support.
/// </summary>
public class OnnxImportException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong, in terms the model author understands.</param>
    public OnnxImportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying cause (I/O or protobuf error).</param>
    public OnnxImportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
