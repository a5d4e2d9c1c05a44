using Explain.Engine.Onnx.Proto;
using Google.Protobuf;

namespace Explain.Autodiff.Compiler;

/// <summary>
/// Inlines initializers stored as external data (ONNX ExternalData.md: location, offset, length
/// relative to the model's folder) so the emitted model is one self-contained byte array that ORT
/// can load from memory without knowing any folder.
/// </summary>
internal static class ExternalData
{
    public static void Inline(GraphProto graph, string? modelDirectory)
    {
        foreach (var t in graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External))
        {
            var entries = t.ExternalData.ToDictionary(e => e.Key, e => e.Value);
            if (!entries.TryGetValue("location", out var location))
                throw new ArgumentException($"initializer '{t.Name}' is stored externally but names no location");
            if (modelDirectory is null)
                throw new ArgumentException($"initializer '{t.Name}' is stored in external file '{location}': pass the model's directory");
            string path = Path.GetFullPath(Path.Combine(modelDirectory, location));
            if (!File.Exists(path))
                throw new ArgumentException($"external data file '{path}' of initializer '{t.Name}' does not exist");
            long offset = entries.TryGetValue("offset", out var o) ? long.Parse(o, System.Globalization.CultureInfo.InvariantCulture) : 0;
            using var stream = File.OpenRead(path);
            long length = entries.TryGetValue("length", out var l) ? long.Parse(l, System.Globalization.CultureInfo.InvariantCulture) : stream.Length - offset;
            if (offset < 0 || length < 0 || offset + length > stream.Length)
                throw new ArgumentException($"external data of initializer '{t.Name}' (offset {offset}, length {length}) lies outside '{path}'");
            var data = new byte[length];
            stream.Position = offset;
            stream.ReadExactly(data);
            t.RawData = ByteString.CopyFrom(data);
            t.ExternalData.Clear();
            t.DataLocation = TensorProto.Types.DataLocation.Default;
        }
    }
}
