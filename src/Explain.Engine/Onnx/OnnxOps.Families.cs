namespace Explain.Engine.Onnx;

public static partial class OnnxOps
{
    /// <summary>Each family file adds its op types to the registry.</summary>
    // A property, not a field: static field initializers across partial files run in no defined order.
    private static Action<Dictionary<string, Builder>>[] Families =>
    [
        RegisterConv,
        RegisterElementwise,
        RegisterNormalization,
        RegisterPooling,
        RegisterShape,
    ];
}
