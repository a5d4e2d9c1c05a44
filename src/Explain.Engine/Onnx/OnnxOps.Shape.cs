namespace Explain.Engine.Onnx;

public static partial class OnnxOps
{
    private static void RegisterShape(Dictionary<string, Builder> registry)
    {
    }
}
