using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Onnx;

/// <summary>A node's attributes by ONNX name, with spec defaults supplied by the caller.</summary>
public sealed class NodeAttributes
{
    private readonly Dictionary<string, object> _values;

    public NodeAttributes(string node, Dictionary<string, object> values)
    {
        Node = node;
        _values = values;
    }

    public string Node { get; }

    /// <summary>
    /// How many outputs the node declares (trailing empty names excluded); 0 when the importer did not
    /// say. Split without sizes needs it, and ops refuse optional outputs they cannot produce.
    /// </summary>
    public int OutputCount { get; init; }

    public bool Has(string name) => _values.ContainsKey(name);

    public long Int(string name, long defaultValue) => _values.TryGetValue(name, out var v) ? Convert<long>(name, v) : defaultValue;

    public float Float(string name, float defaultValue) => _values.TryGetValue(name, out var v) ? Convert<float>(name, v) : defaultValue;

    public string String(string name, string defaultValue) => _values.TryGetValue(name, out var v) ? Convert<string>(name, v) : defaultValue;

    public long[] Ints(string name, long[] defaultValue) => _values.TryGetValue(name, out var v) ? Convert<long[]>(name, v) : defaultValue;

    public long[]? Ints(string name) => _values.TryGetValue(name, out var v) ? Convert<long[]>(name, v) : null;

    public float[] Floats(string name, float[] defaultValue) => _values.TryGetValue(name, out var v) ? Convert<float[]>(name, v) : defaultValue;

    public Tensor? Tensor(string name) => _values.TryGetValue(name, out var v) ? Convert<Tensor>(name, v) : null;

    private T Convert<T>(string name, object value) => value is T t
        ? t
        : throw new GraphException($"node '{Node}': attribute '{name}' is a {value.GetType().Name}, expected {typeof(T).Name}");
}
