using Explain.Engine.Errors;
using Explain.Engine.Onnx.Proto;

namespace Explain.Engine.Onnx;

/// <summary>
/// Tensor payloads stored outside the model file (ONNX external data: keys location, offset, length),
/// resolved relative to the model's folder and never outside it.
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
        string root = Path.GetFullPath(directory);
        string path = Path.GetFullPath(Path.Combine(root, location));
        if (Path.IsPathRooted(location) || !path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new OnnxFormatException($"tensor '{proto.Name}': external data location '{location}' leaves the model's folder");
        if (!File.Exists(path))
            throw new OnnxFormatException($"tensor '{proto.Name}': external data file '{location}' not found");
        long offset = entries.TryGetValue("offset", out var o) ? long.Parse(o) : 0;
        using var stream = File.OpenRead(path);
        long length = entries.TryGetValue("length", out var l) ? long.Parse(l) : stream.Length - offset;
        if (offset < 0 || length < 0 || offset + length > stream.Length || length > int.MaxValue)
            throw new OnnxFormatException($"tensor '{proto.Name}': external data range {offset}+{length} is outside '{location}' ({stream.Length} bytes)");
        var buffer = new byte[length];
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(buffer);
        return buffer;
    }
}
