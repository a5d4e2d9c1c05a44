namespace Explain.Cam.Backends;

/// <summary>Where a backend runs: <c>cpu</c>, <c>cuda[:N]</c> or <c>tensorrt[:N]</c> (ONNX Runtime's execution providers).</summary>
public sealed record ExecutionDevice(DeviceKind Kind, int Index = 0)
{
    public static ExecutionDevice Cpu { get; } = new(DeviceKind.Cpu);

    public bool IsGpu => Kind != DeviceKind.Cpu;

    /// <summary>Parses <c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>, <c>tensorrt:0</c>; anything else is an <see cref="ArgumentException"/> naming the forms.</summary>
    public static ExecutionDevice Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        int index = 0;
        if (parts.Length > 2 || parts.Length == 2 && (!int.TryParse(parts[1], out index) || index < 0))
            throw new ArgumentException($"device '{text}' is not one of cpu, cuda[:N], tensorrt[:N]");
        var kind = parts[0] switch
        {
            "cpu" when parts.Length == 1 => DeviceKind.Cpu,
            "cuda" => DeviceKind.Cuda,
            "tensorrt" or "trt" => DeviceKind.TensorRt,
            _ => throw new ArgumentException($"device '{text}' is not one of cpu, cuda[:N], tensorrt[:N]"),
        };
        return new ExecutionDevice(kind, index);
    }

    public override string ToString() => Kind switch
    {
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => $"cuda:{Index}",
        _ => $"tensorrt:{Index}",
    };
}
