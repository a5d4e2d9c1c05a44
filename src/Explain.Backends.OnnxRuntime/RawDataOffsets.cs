namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// Where each main-graph initializer's raw_data lies in a serialized ModelProto, read from the
/// protobuf wire format (ModelProto.graph = 7, GraphProto.initializer = 5, TensorProto.name = 8,
/// TensorProto.raw_data = 9): a model file's bytes are then the external data of its own weights,
/// which ONNX Runtime maps from the file instead of parsing a copy (<see cref="SharedInitializers"/>).
/// A field this reader does not expect ends the scan with what it found so far.
/// </summary>
internal static class RawDataOffsets
{
    private const int LengthDelimited = 2;

    public static Dictionary<string, (long Offset, long Length)> Find(ReadOnlySpan<byte> model)
    {
        var found = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        int position = 0;
        while (position < model.Length && Field(model, ref position, out int number, out int type, out long start, out long length))
        {
            if (number != 7 || type != LengthDelimited)
                continue;
            int graphPosition = (int)start;
            int graphEnd = (int)(start + length);
            while (graphPosition < graphEnd && Field(model[..graphEnd], ref graphPosition, out int graphNumber, out int graphType, out long tensorStart, out long tensorLength))
            {
                if (graphNumber == 5 && graphType == LengthDelimited)
                    Tensor(model, (int)tensorStart, (int)(tensorStart + tensorLength), found);
            }
        }
        return found;
    }

    private static void Tensor(ReadOnlySpan<byte> model, int position, int end, Dictionary<string, (long, long)> found)
    {
        string? name = null;
        (long Offset, long Length)? raw = null;
        while (position < end && Field(model[..end], ref position, out int number, out int type, out long start, out long length))
        {
            if (number == 8 && type == LengthDelimited)
                name = System.Text.Encoding.UTF8.GetString(model.Slice((int)start, (int)length));
            else if (number == 9 && type == LengthDelimited)
                raw = (start, length);
        }
        if (name is not null && raw is { } r)
            found[name] = r;
    }

    /// <summary>Reads one field's key; for a length-delimited field its payload's range, which <paramref name="position"/> then skips.</summary>
    private static bool Field(ReadOnlySpan<byte> data, ref int position, out int number, out int type, out long start, out long length)
    {
        start = length = 0;
        number = type = 0;
        if (!Varint(data, ref position, out ulong key))
            return false;
        number = (int)(key >> 3);
        type = (int)(key & 7);
        switch (type)
        {
            case 0:
                return Varint(data, ref position, out _);
            case 1:
                position += 8;
                return position <= data.Length;
            case 5:
                position += 4;
                return position <= data.Length;
            case LengthDelimited:
                if (!Varint(data, ref position, out ulong size) || size > (ulong)(data.Length - position))
                    return false;
                start = position;
                length = (long)size;
                position += (int)size;
                return true;
            default:
                return false;
        }
    }

    private static bool Varint(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && position < data.Length; shift += 7)
        {
            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return true;
        }
        return false;
    }
}
