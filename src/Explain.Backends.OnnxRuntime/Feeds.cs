using Explain.Engine.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// The inputs of one bound run: values that live on after it (a pass's device values, bound as they are)
/// and temporaries made for it (host tensors pinned in place, row views), which it frees when disposed,
/// whether the run finished, failed or was cancelled.
/// </summary>
internal sealed class Feeds(DeviceMemory memory) : IDisposable
{
    private readonly List<(string Name, OrtValue Value)> _values = [];
    private readonly List<OrtValue> _temporaries = [];

    public DeviceMemory Memory { get; } = memory;

    public IReadOnlyList<(string Name, OrtValue Value)> Values => _values;

    /// <summary>Binds <paramref name="value"/>, which its owner keeps alive past the run.</summary>
    public void Add(string name, OrtValue value) => _values.Add((name, value));

    /// <summary>
    /// Binds host tensor <paramref name="tensor"/> where it lies (pinned, no copy on the CPU): a value one run reads,
    /// such as seeds and perturbation batches, which ONNX Runtime copies to a GPU once, inside the run.
    /// </summary>
    public void Add(string name, Tensor tensor) => AddTemporary(name, Memory.Adopt(OrtValues.From(tensor)));

    /// <summary>Binds <paramref name="value"/>, made for this run, and frees it with the feeds.</summary>
    public void AddTemporary(string name, OrtValue value)
    {
        _temporaries.Add(value);
        _values.Add((name, value));
    }

    public void Dispose()
    {
        foreach (var value in _temporaries)
            Memory.Free(value);
        _temporaries.Clear();
        _values.Clear();
    }
}
