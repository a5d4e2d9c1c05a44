using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Explain.Autodiff;

/// <summary>
/// Compiles each (model content, observed tensors, scores, mode) once per process. Concurrent
/// callers of the same key wait for one compilation; a failed compilation is not cached, so the
/// next call reports the error again.
/// </summary>
public sealed class GradientGraphCache
{
    private readonly ConcurrentDictionary<string, Lazy<GradientGraph>> _graphs = new(StringComparer.Ordinal);

    /// <summary>The process-wide cache.</summary>
    public static GradientGraphCache Shared { get; } = new();

    /// <summary>Number of compiled graphs held.</summary>
    public int Count => _graphs.Count;

    /// <summary>The cached graph for this model and request, compiling it on first use.</summary>
    public GradientGraph GetOrCompile(byte[] onnxModel, GradientRequest request, string? modelDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        ArgumentNullException.ThrowIfNull(request);
        string key = Key(onnxModel, request, modelDirectory);
        var lazy = _graphs.GetOrAdd(key, _ => new Lazy<GradientGraph>(
            () => GradientCompiler.Compile(onnxModel, request, modelDirectory), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _graphs.TryRemove(new KeyValuePair<string, Lazy<GradientGraph>>(key, lazy));
            throw;
        }
    }

    /// <summary>Drops every cached graph.</summary>
    public void Clear() => _graphs.Clear();

    private static string Key(byte[] model, GradientRequest request, string? modelDirectory)
    {
        // NOTE: external data lives beside the model, so its folder is part of the identity.
        string hash = Convert.ToHexString(SHA256.HashData(model));
        return string.Join('\u001f', [hash, modelDirectory ?? "", request.ScoresOutput, request.Mode.ToString(),
            request.IncludeInputGradient ? "input" : "", $"batch={request.Batch}", .. request.Observed]);
    }
}
