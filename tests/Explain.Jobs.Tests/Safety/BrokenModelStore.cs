using Explain.Jobs.Tests.Support;
using Google.Protobuf;

namespace Explain.Jobs.Tests.Safety;

/// <summary>
/// A temporary model store: one good model (a link to the shared one, so nothing is copied), and
/// one broken model per way a model can fail to load. Deleted on dispose.
/// </summary>
public sealed class BrokenModelStore : IDisposable
{
    public const string Good = RepoPaths.SmallModel;

    public BrokenModelStore()
    {
        Root = Directory.CreateTempSubdirectory("explain-store-").FullName;
        Directory.CreateSymbolicLink(Path.Combine(Root, Good), Path.Combine(RepoPaths.ModelStore, Good));
        byte[] real = File.ReadAllBytes(Path.Combine(RepoPaths.ModelStore, Good, "model.onnx"));
        string realJson = File.ReadAllText(Path.Combine(RepoPaths.ModelStore, Good, "model.json"));
        Add("truncated", real[..(real.Length / 3)], realJson);
        Add("bad_json", real, "{ \"input\": ");
        Add("unsupported_op", Graph(("FancyOp", ["x"], ["y"])), null);
        Add("cycle", Graph(("Relu", ["x2"], ["y"]), ("Relu", ["y"], ["x2"])), null);
        Add("labels_escape", real, realJson.Replace("\"labels.txt\"", "\"../../../../../../etc/passwd\"", StringComparison.Ordinal));
        Add("labels_link", real, realJson);
        File.CreateSymbolicLink(Path.Combine(Root, "labels_link", "labels.txt"), "/etc/passwd");
    }

    public static string[] Broken { get; } = ["bad_json", "cycle", "labels_escape", "labels_link", "truncated", "unsupported_op"];

    public string Root { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private void Add(string name, byte[] onnx, string? json)
    {
        string dir = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), onnx);
        if (json is not null)
            File.WriteAllText(Path.Combine(dir, "model.json"), json);
    }

    /// <summary>A ModelProto (onnx.proto field numbers) with input x, output y and the given nodes.</summary>
    internal static byte[] Graph(params (string Op, string[] Inputs, string[] Outputs)[] nodes)
    {
        var graph = new MemoryStream();
        using (var g = new CodedOutputStream(graph, leaveOpen: true))
        {
            foreach (var (op, inputs, outputs) in nodes)
            {
                var node = new MemoryStream();
                using (var n = new CodedOutputStream(node, leaveOpen: true))
                {
                    foreach (var i in inputs) { n.WriteTag(1, WireFormat.WireType.LengthDelimited); n.WriteString(i); }
                    foreach (var o in outputs) { n.WriteTag(2, WireFormat.WireType.LengthDelimited); n.WriteString(o); }
                    n.WriteTag(4, WireFormat.WireType.LengthDelimited); n.WriteString(op);
                }
                g.WriteTag(1, WireFormat.WireType.LengthDelimited); g.WriteBytes(ByteString.CopyFrom(node.ToArray()));
            }
            g.WriteTag(11, WireFormat.WireType.LengthDelimited); g.WriteBytes(ValueInfo("x"));
            g.WriteTag(12, WireFormat.WireType.LengthDelimited); g.WriteBytes(ValueInfo("y"));
        }
        var model = new MemoryStream();
        using (var m = new CodedOutputStream(model, leaveOpen: true))
        {
            m.WriteTag(1, WireFormat.WireType.Varint); m.WriteInt64(7);
            m.WriteTag(7, WireFormat.WireType.LengthDelimited); m.WriteBytes(ByteString.CopyFrom(graph.ToArray()));
            var opset = new MemoryStream();
            using (var o = new CodedOutputStream(opset, leaveOpen: true)) { o.WriteTag(2, WireFormat.WireType.Varint); o.WriteInt64(13); }
            m.WriteTag(8, WireFormat.WireType.LengthDelimited); m.WriteBytes(ByteString.CopyFrom(opset.ToArray()));
        }
        return model.ToArray();
    }

    /// <summary>ValueInfoProto { name, type { tensor_type { elem_type FLOAT, shape [1, 4] } } }.</summary>
    private static ByteString ValueInfo(string name)
    {
        static byte[] Message(Action<CodedOutputStream> write)
        {
            var stream = new MemoryStream();
            using (var c = new CodedOutputStream(stream, leaveOpen: true)) write(c);
            return stream.ToArray();
        }
        var dims = Message(c => { foreach (long d in new long[] { 1, 4 }) { c.WriteTag(1, WireFormat.WireType.LengthDelimited); c.WriteBytes(ByteString.CopyFrom(Message(x => { x.WriteTag(1, WireFormat.WireType.Varint); x.WriteInt64(d); }))); } });
        var tensor = Message(c => { c.WriteTag(1, WireFormat.WireType.Varint); c.WriteInt32(1); c.WriteTag(2, WireFormat.WireType.LengthDelimited); c.WriteBytes(ByteString.CopyFrom(dims)); });
        var type = Message(c => { c.WriteTag(1, WireFormat.WireType.LengthDelimited); c.WriteBytes(ByteString.CopyFrom(tensor)); });
        return ByteString.CopyFrom(Message(c => { c.WriteTag(1, WireFormat.WireType.LengthDelimited); c.WriteString(name); c.WriteTag(2, WireFormat.WireType.LengthDelimited); c.WriteBytes(ByteString.CopyFrom(type)); }));
    }
}
