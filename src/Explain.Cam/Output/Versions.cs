using System.Reflection;

namespace Explain.Cam.Output;

/// <summary>Versions recorded in result.json so a map can be traced to the code and model that made it.</summary>
internal static class Versions
{
    public static IReadOnlyDictionary<string, string> Current(ModelInfo model) => new Dictionary<string, string>
    {
        ["backend"] = model.Backend,
        ["explain"] = typeof(Versions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        ["dotnet"] = Environment.Version.ToString(),
        ["onnx_opset"] = model.Opset.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["model_producer"] = model.Producer,
        ["simd"] = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "avx512" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "avx2" : "scalar",
    };
}
