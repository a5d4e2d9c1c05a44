using System.Runtime.InteropServices;

namespace Explain.Testing;

/// <summary>
/// Tiny ONNX models written in the test (the engine's onnx proto types are internal): the protobuf wire
/// format by hand, field numbers from onnx.proto (ModelProto 1 ir_version, 7 graph, 8 opset_import;
/// GraphProto 1 node, 2 name, 5 initializer, 11 input, 12 output; NodeProto 1 input, 2 output, 3 name,
/// 4 op_type, 5 attribute; TensorProto 1 dims, 2 data_type, 8 name, 9 raw_data).
/// </summary>
public static class TinyOnnx
{
    /// <summary>
    /// A segmentation model: x [1, 3, 16, 16] → Conv 3×3 (4 channels, pad 1) → Relu ("feat") → Conv 1×1
    /// (3 classes) → "seg" [1, 3, 16, 16].
    /// </summary>
    public static byte[] Segmenter()
    {
        var w1 = Values(4 * 3 * 3 * 3, 1);
        var w2 = Values(3 * 4, 2);
        return Model(
            [Node("Conv", ["x", "w1"], ["c1"], Ints("pads", 1, 1, 1, 1)), Node("Relu", ["c1"], ["feat"]), Node("Conv", ["feat", "w2"], ["seg"])],
            [Value("x", 1, 3, 16, 16)], [Value("seg", 1, 3, 16, 16)],
            Tensor("w1", [4, 3, 3, 3], w1), Tensor("w2", [3, 4, 1, 1], w2));
    }

    /// <summary>
    /// A detector head: x [1, 3, 16, 16] → Conv 3×3 (4 channels, pad 1) → Relu ("feat") → GlobalAveragePool →
    /// Flatten → Gemm (small weights, a bias laying out 6 rows [x1, y1, x2, y2, background, class 1, class 2]:
    /// boxes 8 pixels apart) → Reshape → "det" [1, 6, 7].
    /// </summary>
    public static byte[] Detector()
    {
        const int rows = 6, columns = 7;
        var w1 = Values(4 * 3 * 3 * 3, 3);
        var w2 = Values(4 * rows * columns, 4).Select(v => v * 0.05f).ToArray();
        var bias = new float[rows * columns];
        for (int i = 0; i < rows; i++)
        {
            float x = 2 * i, y = i % 3;
            float[] row = [x, y, x + 8, y + 9, 0.1f, i % 2 == 0 ? 0.9f : 0.2f, i % 2 == 0 ? 0.2f : 0.8f];
            row.CopyTo(bias, i * columns);
        }
        return Model(
            [
                Node("Conv", ["x", "w1"], ["c1"], Ints("pads", 1, 1, 1, 1)), Node("Relu", ["c1"], ["feat"]), Node("GlobalAveragePool", ["feat"], ["pooled"]),
                Node("Flatten", ["pooled"], ["flat"]), Node("Gemm", ["flat", "w2", "b2"], ["rows"]), Node("Reshape", ["rows", "shape"], ["det"]),
            ],
            [Value("x", 1, 3, 16, 16)], [Value("det", 1, rows, columns)],
            Tensor("w1", [4, 3, 3, 3], w1), Tensor("w2", [4, rows * columns], w2), Tensor("b2", [rows * columns], bias), Int64Tensor("shape", [1, rows, columns]));
    }

    /// <summary>
    /// A classifier with a second output: x [1, 3, 16, 16] → Conv 3×3 (4 channels, pad 1) → Relu ("feat") →
    /// GlobalAveragePool → Flatten → "embedding" [1, 4] → Gemm → "logits" [1, 5]. With <paramref name="softsign"/>
    /// the logits pass a Softsign, an operator ONNX Runtime runs and the managed engine lacks.
    /// </summary>
    public static byte[] TwoHeads(bool softsign = false)
    {
        var w1 = Values(4 * 3 * 3 * 3, 5);
        var w2 = Values(4 * 5, 6);
        string gemm = softsign ? "scores" : "logits";
        byte[][] nodes =
        [
            Node("Conv", ["x", "w1"], ["c1"], Ints("pads", 1, 1, 1, 1)), Node("Relu", ["c1"], ["feat"]), Node("GlobalAveragePool", ["feat"], ["pooled"]),
            Node("Flatten", ["pooled"], ["embedding"]), Node("Gemm", ["embedding", "w2"], [gemm]),
        ];
        if (softsign)
            nodes = [.. nodes, Node("Softsign", ["scores"], ["logits"])];
        return Model(nodes, [Value("x", 1, 3, 16, 16)], [Value("logits", 1, 5), Value("embedding", 1, 4)], Tensor("w1", [4, 3, 3, 3], w1), Tensor("w2", [4, 5], w2));
    }

    /// <summary>
    /// A classifier whose Conv has a bias: x [1, 3, 16, 16] → Conv 3×3 (4 channels, pad 1, bias "b1") → Relu
    /// ("feat") → GlobalAveragePool → Flatten → Gemm → "logits" [1, 5]. With <paramref name="throughIdentity"/>
    /// the Conv reads its bias through an Identity of the initializer, as PyTorch's exporter writes parameters
    /// it stored once for several users.
    /// </summary>
    public static byte[] BiasedClassifier(bool throughIdentity)
    {
        var w1 = Values(4 * 3 * 3 * 3, 7);
        var b1 = Values(4, 8);
        var w2 = Values(4 * 5, 9);
        byte[][] nodes =
        [
            Node("Conv", ["x", "w1", throughIdentity ? "b1_shared" : "b1"], ["c1"], Ints("pads", 1, 1, 1, 1)), Node("Relu", ["c1"], ["feat"]),
            Node("GlobalAveragePool", ["feat"], ["pooled"]), Node("Flatten", ["pooled"], ["flat"]), Node("Gemm", ["flat", "w2"], ["logits"]),
        ];
        if (throughIdentity)
            nodes = [Node("Identity", ["b1"], ["b1_shared"]), .. nodes];
        return Model(nodes, [Value("x", 1, 3, 16, 16)], [Value("logits", 1, 5)], Tensor("w1", [4, 3, 3, 3], w1), Tensor("b1", [4], b1), Tensor("w2", [4, 5], w2));
    }

    private static float[] Values(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
    }

    private static byte[] Model(byte[][] nodes, byte[][] inputs, byte[][] outputs, params byte[][] initializers)
    {
        var graph = new Message();
        foreach (var n in nodes) graph.Bytes(1, n);
        graph.String(2, "tiny");
        foreach (var t in initializers) graph.Bytes(5, t);
        foreach (var i in inputs) graph.Bytes(11, i);
        foreach (var o in outputs) graph.Bytes(12, o);
        var opset = new Message().String(1, "").Varint(2, 13);
        return new Message().Varint(1, 7).String(2, "Explain.Cam.Tests").Bytes(7, graph.ToArray()).Bytes(8, opset.ToArray()).ToArray();
    }

    private static byte[] Node(string op, string[] inputs, string[] outputs, params byte[][] attributes)
    {
        var node = new Message();
        foreach (var i in inputs) node.String(1, i);
        foreach (var o in outputs) node.String(2, o);
        node.String(3, op + "_" + outputs[0]).String(4, op);
        foreach (var a in attributes) node.Bytes(5, a);
        return node.ToArray();
    }

    /// <summary>An INTS attribute (AttributeProto 1 name, 8 ints, 20 type = 7).</summary>
    private static byte[] Ints(string name, params long[] values)
    {
        var a = new Message().String(1, name);
        foreach (long v in values) a.Varint(8, v);
        return a.Varint(20, 7).ToArray();
    }

    /// <summary>A float tensor value info (ValueInfoProto 1 name, 2 type → TypeProto 1 tensor_type → 1 elem_type, 2 shape → 1 dim → 1 dim_value).</summary>
    private static byte[] Value(string name, params long[] dims)
    {
        var shape = new Message();
        foreach (long d in dims) shape.Bytes(1, new Message().Varint(1, d).ToArray());
        var tensor = new Message().Varint(1, 1).Bytes(2, shape.ToArray());
        return new Message().String(1, name).Bytes(2, new Message().Bytes(1, tensor.ToArray()).ToArray()).ToArray();
    }

    private static byte[] Tensor(string name, long[] dims, float[] values) => TensorOf(name, dims, 1, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private static byte[] Int64Tensor(string name, long[] values) => TensorOf(name, [values.Length], 7, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private static byte[] TensorOf(string name, long[] dims, int type, byte[] raw)
    {
        var t = new Message();
        foreach (long d in dims) t.Varint(1, d);
        return t.Varint(2, type).String(8, name).Bytes(9, raw).ToArray();
    }

    private sealed class Message
    {
        private readonly MemoryStream _bytes = new();

        public Message Varint(int field, long value)
        {
            Raw((ulong)(field << 3));
            Raw((ulong)value);
            return this;
        }

        public Message Bytes(int field, byte[] value)
        {
            Raw((ulong)(field << 3 | 2));
            Raw((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        public Message String(int field, string value) => Bytes(field, System.Text.Encoding.UTF8.GetBytes(value));

        public byte[] ToArray() => _bytes.ToArray();

        private void Raw(ulong v)
        {
            for (; v >= 0x80; v >>= 7)
                _bytes.WriteByte((byte)(v | 0x80));
            _bytes.WriteByte((byte)v);
        }
    }
}
