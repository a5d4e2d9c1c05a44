using System.Collections.Concurrent;
using Explain.Engine.Errors;
using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Engine.Onnx.Proto;
using Explain.Engine.Tensors;

namespace Explain.Engine.Tests.Conformance;

/// <summary>
/// Runs one folder of ONNX's backend node tests (Debian libonnx-testdata): model.onnx plus
/// test_data_set_*/input_i.pb and output_i.pb. Inputs feed the graph inputs that are not
/// initializers, in order. Outputs must match as ONNX's backend tests require:
/// |actual − expected| ≤ atol + rtol·|expected| with rtol 1e-3, atol 1e-7, NaN equal to NaN.
/// </summary>
internal static class NodeTestRunner
{
    public const string Root = "/usr/share/libonnx-testdata/data/node";
    private const double Rtol = 1e-3;
    private const double Atol = 1e-7;

    private static readonly ConcurrentDictionary<string, Lazy<NodeTestResult>> Cache = new();

    public static IReadOnlyList<string> Names() =>
        Directory.Exists(Root)
            ? Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>Each folder runs once per test run, shared by its Theory case and the summary.</summary>
    public static NodeTestResult Run(string name) =>
        Cache.GetOrAdd(name, n => new Lazy<NodeTestResult>(() => RunUncached(n))).Value;

    private static NodeTestResult RunUncached(string name)
    {
        string dir = Path.Combine(Root, name);
        byte[] bytes = File.ReadAllBytes(Path.Combine(dir, "model.onnx"));
        var ops = OpTypes(bytes);
        try
        {
            var model = AtLoad(() => OnnxModel.Load(bytes, dir));
            var sets = Directory.GetDirectories(dir, "test_data_set_*").Order(StringComparer.Ordinal).ToList();
            if (sets.Count == 0)
                return new(name, NodeTestOutcome.Failed, "no test_data_set_* folder", ops);
            foreach (string set in sets)
            {
                string? failure = RunSet(model, set);
                if (failure is not null)
                    return new(name, NodeTestOutcome.Failed, $"{Path.GetFileName(set)}: {failure}", ops);
            }
            return new(name, NodeTestOutcome.Passed, "", ops);
        }
        catch (DeclinedAtLoadException e)
        {
            return new(name, NodeTestOutcome.NotApplicable, $"{e.InnerException!.GetType().Name}: {e.InnerException.Message}", ops);
        }
        catch (Exception e)
        {
            return new(name, NodeTestOutcome.Failed, $"{e.GetType().Name}: {e.Message}", ops);
        }
    }

    /// <returns>Why the set fails, or null when every output matches.</returns>
    private static string? RunSet(OnnxModel model, string set)
    {
        var inputs = AtLoad(() => ReadNumbered(set, "input"));
        var expected = AtLoad(() => ReadNumbered(set, "output"));
        if (inputs.Length != model.Inputs.Count)
            return $"{inputs.Length} input files for {model.Inputs.Count} graph inputs";
        var feed = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < inputs.Length; i++)
            feed[model.Inputs[i].Name] = inputs[i];

        // The session plans for the real inputs (element types and shapes are known only then) in
        // Prepare: a feature declined there counts as not applicable. One declined later, while
        // running a planned graph, is a failure.
        var session = AtLoad(() => new Session(model, new SessionOptions { Threads = 1 }));
        AtLoad(() => { session.Prepare(feed); return true; });
        var result = session.Run(feed);
        for (int i = 0; i < expected.Length; i++)
        {
            string outputName = model.Outputs[i].Name;
            if (!result.Outputs.TryGetValue(outputName, out var actual))
                return $"output '{outputName}' missing";
            string? why = Compare(actual, expected[i]);
            if (why is not null)
                return $"output '{outputName}': {why}";
        }
        return null;
    }

    /// <summary>Loading, reading test data and creating the session may decline what the engine does not implement.</summary>
    private static T AtLoad<T>(Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is UnsupportedOperatorException or UnsupportedFeatureException)
        {
            throw new DeclinedAtLoadException(e);
        }
    }

    private sealed class DeclinedAtLoadException(Exception inner) : Exception(inner.Message, inner);

    private static string? Compare(Tensor actual, Tensor expected)
    {
        if (actual.Type != expected.Type)
            return $"type {actual.Type}, expected {expected.Type}";
        if (!actual.Shape.SequenceEqual(expected.Shape))
            return $"shape {TensorShape.Format(actual.Shape)}, expected {TensorShape.Format(expected.Shape)}";
        for (int i = 0; i < expected.Length; i++)
        {
            double a = Value(actual, i), b = Value(expected, i);
            bool ok = double.IsNaN(b) ? double.IsNaN(a) : a == b || Math.Abs(a - b) <= Atol + Rtol * Math.Abs(b);
            if (!ok)
                return $"element {i}: {a:G9}, expected {b:G9}";
        }
        return null;
    }

    private static double Value(Tensor t, int i) => t.Type == DataType.Float32 ? t.Floats[i] : t.Longs[i];

    private static Tensor[] ReadNumbered(string set, string prefix)
    {
        var files = Directory.GetFiles(set, prefix + "_*.pb")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[(prefix.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        return files.Select(f => OnnxTensors.Read(File.ReadAllBytes(f))).ToArray();
    }

    private static IReadOnlyList<string> OpTypes(byte[] bytes)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(bytes).Graph.Node.Select(n => n.OpType).Distinct().ToList();
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return ["?"];
        }
    }
}
