using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Explain.Engine.Tensors;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// A pass's values as the seam's tensors (<see cref="Cam.Backends.ForwardPass.Observed"/>): each copied to the
/// host when first read, so a value only the next session reads (an activation the suffix gradient graph takes)
/// never leaves the device. Enumerating the values reads them all.
/// </summary>
internal sealed class HostView(IReadOnlyDictionary<string, PassValue> values) : IReadOnlyDictionary<string, Tensor>
{
    public Tensor this[string key] => values[key].Read();

    public IEnumerable<string> Keys => values.Keys;

    public IEnumerable<Tensor> Values => values.Values.Select(v => v.Read());

    public int Count => values.Count;

    public bool ContainsKey(string key) => values.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value)
    {
        value = values.TryGetValue(key, out var v) ? v.Read() : null;
        return value is not null;
    }

    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() =>
        values.Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.Read())).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
