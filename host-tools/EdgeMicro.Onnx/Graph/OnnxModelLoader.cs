using EdgeMicro.Onnx.Protos;
using Google.Protobuf;

namespace EdgeMicro.Onnx.Graph;

/// <summary>
/// Loads an ONNX model file into an <see cref="OnnxGraph"/>. Every failure (unreadable file, not protobuf, truncated,
/// missing graph, unsupported opset, malformed or oversized tensors...) is an <see cref="OnnxImportException"/>.
/// </summary>
public static class OnnxModelLoader
{
    /// <summary>Oldest supported opset of the default ONNX domain.</summary>
    public const int MinOpset = 11;

    /// <summary>Newest supported opset of the default ONNX domain.</summary>
    public const int MaxOpset = 17;

    /// <summary>Loads a .onnx file.</summary>
    /// <param name="path">File path.</param>
    /// <returns>The imported graph.</returns>
    /// <exception cref="OnnxImportException">The file cannot be read or is not a supported ONNX model.</exception>
    public static OnnxGraph Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new OnnxImportException($"ONNX file '{path}' does not exist.");
            }

            if (info.Length > ImportLimits.MaxFileBytes)
            {
                throw new OnnxImportException(
                    $"ONNX file '{path}' is {info.Length} bytes; at most {ImportLimits.MaxFileBytes} are supported.");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException
                                       or NotSupportedException or System.Security.SecurityException)
        {
            throw new OnnxImportException($"Cannot read ONNX file '{path}': {ex.Message}", ex);
        }

        try
        {
            return Load(bytes);
        }
        catch (OnnxImportException ex)
        {
            throw new OnnxImportException($"{Path.GetFileName(path)}: {ex.Message}", ex);
        }
    }

    /// <summary>Loads a model from the bytes of a .onnx file.</summary>
    /// <param name="bytes">Serialized ModelProto.</param>
    /// <returns>The imported graph.</returns>
    /// <exception cref="OnnxImportException">The bytes are not a supported ONNX model.</exception>
    public static OnnxGraph Load(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            throw new OnnxImportException("The ONNX data is empty.");
        }

        if (bytes.Length > ImportLimits.MaxFileBytes)
        {
            throw new OnnxImportException(
                $"The ONNX data is {bytes.Length} bytes; at most {ImportLimits.MaxFileBytes} are supported.");
        }

        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes.ToArray());
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new OnnxImportException($"Not a valid ONNX file (protobuf error: {ex.Message})", ex);
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or InvalidOperationException
                                       or OverflowException or FormatException or System.Text.DecoderFallbackException)
        {
            // Google.Protobuf 3.25 can fail on some malformed varints with a raw exception instead of
            // InvalidProtocolBufferException (seen: IndexOutOfRangeException in ParseRawVarint32SlowPath).
            throw new OnnxImportException($"Not a valid ONNX file (malformed protobuf: {ex.Message})", ex);
        }

        return GraphReader.Read(model);
    }
}
