using System.Runtime.InteropServices;
using Explain.Engine.Onnx.Proto;
using Microsoft.ML.OnnxRuntime;

namespace Explain.Autodiff.Tests;

/// <summary>
/// ONNX's own backend node tests (Debian libonnx-testdata) for the op types the gradient graphs
/// emit, run in the ONNX Runtime the graphs run in: model.onnx with test_data_set_*/input_*.pb,
/// outputs compared like onnx's backend runner (rtol 1e-3, atol 1e-7; integers and bools exact).
/// </summary>
public sealed class OnnxNodeTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Root = "/usr/share/libonnx-testdata/data/node";

    /// <summary>Folder prefixes of the emitted op types (Rules/ and Compiler/ create only these).</summary>
    private static readonly string[] Emitted =
    [
        "test_convtranspose", "test_scatter_elements", "test_where", "test_greater", "test_less", "test_and", "test_equal",
        "test_range", "test_reduce_sum", "test_reduce_mean", "test_constantofshape", "test_maxpool", "test_mod", "test_expand",
        "test_relu", "test_reshape", "test_transpose", "test_matmul", "test_slice", "test_concat", "test_sum", "test_sigmoid",
        "test_reciprocal", "test_sqrt", "test_neg", "test_exp", "test_sign", "test_shape", "test_identity", "test_cast_",
        "test_div", "test_mul", "test_add", "test_sub", "test_log", "test_pad", "test_gather_", "test_pow",
    ];

    public static TheoryData<string> Folders()
    {
        var data = new TheoryData<string>();
        if (Directory.Exists(Root))
            foreach (var dir in Directory.GetDirectories(Root).Select(Path.GetFileName).Order(StringComparer.Ordinal))
                if (Emitted.Any(p => dir!.StartsWith(p, StringComparison.Ordinal)) && Readable(Path.Combine(Root, dir!)))
                    data.Add(dir!);
        return data;
    }

    [Fact]
    public void NodeTests_AreInstalled() =>
        Assert.True(Folders().Count > 50, $"expected the libonnx-testdata node tests under {Root} (tests/fixtures/ensure-fixtures.sh installs them)");

    [Theory]
    [MemberData(nameof(Folders))]
    public void NodeTest_EmittedOp_RunsInOrt(string folder)
    {
        string dir = Path.Combine(Root, folder);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(dir, "model.onnx")));
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet();
        var inputs = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Select(i => i.Name).ToArray();
        var outputs = model.Graph.Output.Select(o => o.Name).ToArray();
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(Path.Combine(dir, "model.onnx"), options);
        foreach (var set in Directory.GetDirectories(dir, "test_data_set_*").Order(StringComparer.Ordinal))
        {
            var feeds = inputs.Select((n, i) => ToOrt(Read(Path.Combine(set, $"input_{i}.pb")))).ToArray();
            try
            {
                using var results = session.Run(new RunOptions(), inputs, feeds, outputs);
                for (int i = 0; i < outputs.Length; i++)
                    Compare(folder, outputs[i], results[i], Read(Path.Combine(set, $"output_{i}.pb")));
            }
            finally
            {
                foreach (var f in feeds)
                    f.Dispose();
            }
        }
        output.WriteLine($"{folder}: ok");
    }

    private static readonly HashSet<int> ReadableTypes =
    [
        (int)TensorProto.Types.DataType.Float, (int)TensorProto.Types.DataType.Double, (int)TensorProto.Types.DataType.Int64,
        (int)TensorProto.Types.DataType.Int32, (int)TensorProto.Types.DataType.Bool,
    ];

    /// <summary>Folders whose inputs and outputs this runner reads: tensors (no sequences or optionals) of float, double, int64, int32, bool.</summary>
    private static bool Readable(string dir) =>
        ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(dir, "model.onnx"))).Graph is var g
        && g.Input.Concat(g.Output).All(v => v.Type?.TensorType is not null)
        && Directory.GetDirectories(dir, "test_data_set_*").SelectMany(s => Directory.GetFiles(s, "*.pb"))
            .All(f => TensorProto.Parser.ParseFrom(File.ReadAllBytes(f)) is { DataType: var t } && ReadableTypes.Contains(t));

    private static TensorProto Read(string path) => TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));

    private static OrtValue ToOrt(TensorProto t)
    {
        long[] shape = t.Dims.ToArray();
        return (TensorProto.Types.DataType)t.DataType switch
        {
            TensorProto.Types.DataType.Float => OrtValue.CreateTensorValueFromMemory(Values<float>(t, t.FloatData), shape),
            TensorProto.Types.DataType.Double => OrtValue.CreateTensorValueFromMemory(Values<double>(t, t.DoubleData), shape),
            TensorProto.Types.DataType.Int64 => OrtValue.CreateTensorValueFromMemory(Values<long>(t, t.Int64Data), shape),
            TensorProto.Types.DataType.Int32 => OrtValue.CreateTensorValueFromMemory(Values<int>(t, t.Int32Data), shape),
            TensorProto.Types.DataType.Bool => OrtValue.CreateTensorValueFromMemory(Values<bool>(t, t.Int32Data.Select(v => v != 0)), shape),
            var other => throw new InvalidOperationException($"element type {other} is filtered out by Readable"),
        };
    }

    private static T[] Values<T>(TensorProto t, IEnumerable<T> typed) where T : unmanaged =>
        t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, T>(t.RawData.Span).ToArray() : typed.ToArray();

    private static void Compare(string folder, string name, OrtValue actual, TensorProto expected)
    {
        Assert.Equal(expected.Dims.ToArray(), actual.GetTensorTypeAndShape().Shape);
        switch ((TensorProto.Types.DataType)expected.DataType)
        {
            case TensorProto.Types.DataType.Float:
                Near(folder, name, actual.GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToArray(), Values<float>(expected, expected.FloatData).Select(v => (double)v).ToArray());
                break;
            case TensorProto.Types.DataType.Double:
                Near(folder, name, actual.GetTensorDataAsSpan<double>().ToArray(), Values<double>(expected, expected.DoubleData));
                break;
            case TensorProto.Types.DataType.Int64:
                Assert.Equal(Values<long>(expected, expected.Int64Data), actual.GetTensorDataAsSpan<long>().ToArray());
                break;
            case TensorProto.Types.DataType.Int32:
                Assert.Equal(Values<int>(expected, expected.Int32Data), actual.GetTensorDataAsSpan<int>().ToArray());
                break;
            case TensorProto.Types.DataType.Bool:
                Assert.Equal(Values<bool>(expected, expected.Int32Data.Select(v => v != 0)), actual.GetTensorDataAsSpan<bool>().ToArray());
                break;
            default:
                throw new InvalidOperationException($"element type {expected.DataType} is filtered out by Readable");
        }
    }

    private static void Near(string folder, string name, double[] actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool close = double.IsNaN(expected[i]) ? double.IsNaN(actual[i]) : Math.Abs(actual[i] - expected[i]) <= 1e-7 + 1e-3 * Math.Abs(expected[i]);
            Assert.True(close, $"{folder} {name}[{i}]: {actual[i]} vs {expected[i]}");
        }
    }
}
