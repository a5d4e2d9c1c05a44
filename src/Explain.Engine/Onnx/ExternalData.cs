using Explain.Engine.Errors;
using Explain.Engine.Onnx.Proto;

namespace Explain.Engine.Onnx;

/// <summary>
/// Tensor payloads stored outside the model file (ONNX external data: keys location, offset, length),
/// resolved relative to the model's folder and never outside it, symbolic links included.
/// </summary>
internal static class ExternalData
{
    public static ReadOnlySpan<byte> Read(TensorProto proto, string? directory)
    {
        var entries = proto.ExternalData.ToDictionary(e => e.Key, e => e.Value);
        if (!entries.TryGetValue("location", out var location) || location.Length == 0)
            throw new OnnxFormatException($"tensor '{proto.Name}': external data without a location");
        if (directory is null)
            throw new OnnxFormatException($"tensor '{proto.Name}': external data '{location}' needs the model's folder (load the model from a path)");
        // Links are followed before the check: a link in the folder must not reach outside it.
        string path = ModelFolder.Resolve(directory, location)
            ?? throw new OnnxFormatException($"tensor '{proto.Name}': external data location '{location}' leaves the model's folder (symbolic links followed)");
        if (!File.Exists(path))
            throw new OnnxFormatException($"tensor '{proto.Name}': external data file '{location}' not found");
        long offset = entries.TryGetValue("offset", out var o) ? Number(proto, "offset", o) : 0;
        using var stream = File.OpenRead(path);
        long length = entries.TryGetValue("length", out var l) ? Number(proto, "length", l) : stream.Length - offset;
        // Compared without forming offset + length, which a hostile model could overflow.
        if (offset < 0 || length < 0 || offset > stream.Length || length > stream.Length - offset || length > int.MaxValue)
            throw new OnnxFormatException($"tensor '{proto.Name}': external data range {offset}+{length} is outside '{location}' ({stream.Length} bytes)");
        var buffer = new byte[length];
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(buffer);
        return buffer;
    }

    private static long Number(TensorProto proto, string key, string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new OnnxFormatException($"tensor '{proto.Name}': external data {key} '{text}' is not a non-negative integer");
}
