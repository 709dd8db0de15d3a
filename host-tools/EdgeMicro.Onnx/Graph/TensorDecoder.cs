using System.Buffers.Binary;
using EdgeMicro.Onnx.Protos;

namespace EdgeMicro.Onnx.Graph;

/// <summary>Decodes TensorProto messages into <see cref="OnnxTensor"/>, checking every size before allocating.</summary>
internal sealed class TensorDecoder
{
    private long _totalElements;

    /// <summary>Decodes a tensor and charges its elements to the graph-wide budget.</summary>
    /// <param name="proto">The message.</param>
    /// <param name="name">Value name to give the tensor.</param>
    /// <param name="what">Description for messages (e.g. "initializer 'fc.weight'").</param>
    /// <returns>The tensor.</returns>
    public OnnxTensor Decode(TensorProto proto, string name, string what)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External || proto.ExternalData.Count > 0)
        {
            throw new OnnxImportException($"{what} uses external data files, which are not supported.");
        }

        if (proto.Segment != null)
        {
            throw new OnnxImportException($"{what} is a segmented tensor, which is not supported.");
        }

        int count = ImportLimits.ElementCount(proto.Dims, what);
        _totalElements += count;
        if (_totalElements > ImportLimits.MaxElements)
        {
            throw new OnnxImportException(
                $"The model's constants hold more than {ImportLimits.MaxElements} elements in total (at {what}).");
        }

        int[] dims = proto.Dims.Select(d => (int)d).ToArray();
        ReadOnlySpan<byte> raw = proto.RawData.Span;
        switch ((TensorProto.Types.DataType)proto.DataType)
        {
            case TensorProto.Types.DataType.Float:
                return new OnnxTensor(name, dims, DecodeFloats(proto, raw, count, what));
            case TensorProto.Types.DataType.Double:
                return new OnnxTensor(name, dims, DecodeDoubles(proto, raw, count, what));
            case TensorProto.Types.DataType.Int64:
                return new OnnxTensor(name, dims, DecodeInt64(proto, raw, count, what));
            case TensorProto.Types.DataType.Int32:
                return new OnnxTensor(name, dims, DecodeInt32(proto, raw, count, what));
            default:
                throw new OnnxImportException(
                    $"{what} has data type {DataTypeName(proto.DataType)}; only FLOAT, DOUBLE, INT32 and INT64 are supported.");
        }
    }

    private static string DataTypeName(int code) =>
        Enum.IsDefined(typeof(TensorProto.Types.DataType), code)
            ? ((TensorProto.Types.DataType)code).ToString().ToUpperInvariant()
            : code.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void CheckSource(int typedCount, ReadOnlySpan<byte> raw, int count, int elementBytes, string what)
    {
        if (raw.Length > 0 && typedCount > 0)
        {
            throw new OnnxImportException($"{what} has both raw_data and typed data.");
        }

        long available = raw.Length > 0 ? raw.Length : (long)typedCount * elementBytes;
        if (available != (long)count * elementBytes)
        {
            long held = raw.Length > 0 ? raw.Length / elementBytes : typedCount;
            string extra = raw.Length % elementBytes != 0 ? $" (raw_data is {raw.Length} bytes)" : "";
            throw new OnnxImportException($"{what} declares {count} elements but holds {held}{extra}.");
        }
    }

    private static float[] DecodeFloats(TensorProto proto, ReadOnlySpan<byte> raw, int count, string what)
    {
        CheckSource(proto.FloatData.Count, raw, count, 4, what);
        var data = new float[count];
        if (raw.Length > 0)
        {
            for (int i = 0; i < count; i++)
            {
                data[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4, 4));
            }
        }
        else
        {
            proto.FloatData.CopyTo(data, 0);
        }

        return data;
    }

    private static float[] DecodeDoubles(TensorProto proto, ReadOnlySpan<byte> raw, int count, string what)
    {
        CheckSource(proto.DoubleData.Count, raw, count, 8, what);
        var data = new float[count];
        for (int i = 0; i < count; i++)
        {
            double v = raw.Length > 0 ? BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * 8, 8)) : proto.DoubleData[i];
            data[i] = (float)v;
        }

        return data;
    }

    private static long[] DecodeInt64(TensorProto proto, ReadOnlySpan<byte> raw, int count, string what)
    {
        CheckSource(proto.Int64Data.Count, raw, count, 8, what);
        var data = new long[count];
        if (raw.Length > 0)
        {
            for (int i = 0; i < count; i++)
            {
                data[i] = BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(i * 8, 8));
            }
        }
        else
        {
            proto.Int64Data.CopyTo(data, 0);
        }

        return data;
    }

    private static long[] DecodeInt32(TensorProto proto, ReadOnlySpan<byte> raw, int count, string what)
    {
        CheckSource(proto.Int32Data.Count, raw, count, 4, what);
        var data = new long[count];
        for (int i = 0; i < count; i++)
        {
            data[i] = raw.Length > 0 ? BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(i * 4, 4)) : proto.Int32Data[i];
        }

        return data;
    }
}
