namespace Explain.Engine.Onnx;

public static partial class OnnxOps
{
    private static void RegisterNormalization(Dictionary<string, Builder> registry)
    {
    }
}
