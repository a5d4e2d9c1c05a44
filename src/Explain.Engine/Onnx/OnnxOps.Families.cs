namespace Explain.Engine.Onnx;

public static partial class OnnxOps
{
    /// <summary>Each family file adds its op types to the registry.</summary>
    private static readonly Action<Dictionary<string, Builder>>[] Families =
    [
        RegisterConv,
        RegisterElementwise,
        RegisterNormalization,
        RegisterPooling,
        RegisterShape,
    ];
}
