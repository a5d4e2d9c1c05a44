namespace Explain.Engine.Onnx;

public static partial class OnnxOps
{
    private static void RegisterPooling(Dictionary<string, Builder> registry)
    {
    }
}
