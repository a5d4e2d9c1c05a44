namespace Explain.Engine.Onnx;

public static partial class OnnxOps
{
    private static void RegisterElementwise(Dictionary<string, Builder> registry)
    {
    }
}
