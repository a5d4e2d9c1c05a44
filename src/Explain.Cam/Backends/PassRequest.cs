namespace Explain.Cam.Backends;

/// <summary>What a forward pass keeps: tensors returned by name, and whether gradients will be asked of it (at the observed tensors, at the inputs).</summary>
public sealed record PassRequest(IReadOnlyList<string> Observe, bool Gradients = false, bool InputGradients = false)
{
    /// <summary>The model's outputs only.</summary>
    public static PassRequest Outputs { get; } = new([]);

    /// <summary>A key for session caches: the same request shape gets the same session.</summary>
    public string Key => string.Join('\n', Observe) + (Gradients ? "\n+gradients" : "") + (InputGradients ? "\n+input" : "");
}
