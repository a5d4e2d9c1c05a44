namespace Explain.Engine.Onnx;

public static partial class OnnxOps
{
    private static void RegisterConv(Dictionary<string, Builder> registry)
    {
    }
}
