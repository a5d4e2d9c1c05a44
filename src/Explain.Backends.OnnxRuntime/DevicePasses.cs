namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// The passes whose values are on the device, least recently used first: the backend's bound on the device
/// memory that forward passes hold between calls, whatever the callers keep of them.
/// </summary>
internal sealed class DevicePasses
{
    /// <summary>
    /// How many passes keep their values on the device at once. NOTE: two, so the explanation's main pass
    /// (its gradients run again later: the guided pass, Shapley-CAM) survives one method's own pass (Integrated
    /// Grad-CAM's path); an older pass is evicted to the host. That bounds the device memory held between calls
    /// to two passes' observed tensors and inputs.
    /// </summary>
    public const int Max = 2;

    private readonly List<OrtPass> _passes = [];

    public int Count => _passes.Count;

    public IReadOnlyList<OrtPass> Passes => _passes;

    /// <summary>Registers a new pass that holds device values, evicting the least recently used beyond <see cref="Max"/>.</summary>
    public void Keep(OrtPass pass)
    {
        if (!pass.HoldsDeviceValues)
            return;
        _passes.Add(pass);
        while (_passes.Count > Max)
        {
            _passes[0].Evict();
            _passes.RemoveAt(0);
        }
    }

    /// <summary>Marks <paramref name="pass"/> most recently used (its gradients are being taken).</summary>
    public void Touch(OrtPass pass)
    {
        if (_passes.Remove(pass))
            _passes.Add(pass);
    }

    /// <summary>Takes a disposed pass out: it holds nothing more.</summary>
    public void Forget(OrtPass pass) => _passes.Remove(pass);

    /// <summary>Disposes every pass held (the backend's disposal).</summary>
    public void DisposeAll()
    {
        foreach (var pass in _passes.ToList())
            pass.Dispose();
        _passes.Clear();
    }
}
