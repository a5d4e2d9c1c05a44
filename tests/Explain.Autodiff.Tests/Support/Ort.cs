using Microsoft.ML.OnnxRuntime;

namespace Explain.Autodiff.Tests.Support;

/// <summary>Runs a model in stock ONNX Runtime (CPU) on float32 inputs and returns every output.</summary>
internal sealed class Ort : IDisposable
{
    private readonly InferenceSession _session;

    public Ort(byte[] model, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = 1, InterOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        _session = new InferenceSession(model, options);
    }

    public IReadOnlyList<string> OutputNames => _session.OutputNames;

    public Dictionary<string, (float[] Data, long[] Shape)> Run(IReadOnlyDictionary<string, (float[] Data, int[] Shape)> inputs)
    {
        var names = inputs.Keys.ToArray();
        var values = names.Select(n => OrtValue.CreateTensorValueFromMemory(inputs[n].Data, inputs[n].Shape.Select(d => (long)d).ToArray())).ToArray();
        try
        {
            using var options = new RunOptions();
            using var outputs = _session.Run(options, names, values, _session.OutputNames);
            var result = new Dictionary<string, (float[], long[])>(StringComparer.Ordinal);
            for (int i = 0; i < outputs.Count; i++)
                result[_session.OutputNames[i]] = (outputs[i].GetTensorDataAsSpan<float>().ToArray(), outputs[i].GetTensorTypeAndShape().Shape);
            return result;
        }
        finally
        {
            foreach (var v in values)
                v.Dispose();
        }
    }

    public void Dispose() => _session.Dispose();
}
