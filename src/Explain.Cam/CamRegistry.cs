using Explain.Cam.Methods;

namespace Explain.Cam;

/// <summary>Wire names (ARCHITECTURE.md) to methods. Guided backpropagation is handled by the explainer itself.</summary>
public static class CamRegistry
{
    public const string GuidedBackprop = "guided-backprop";
    public const string GuidedGradCam = "guided-gradcam";

    private static readonly Dictionary<string, Func<CamMethod>> Methods = new(StringComparer.Ordinal)
    {
        ["gradcam"] = () => new GradCam(),
        ["gradcam++"] = () => new GradCamPlusPlus(),
        ["xgradcam"] = () => new XGradCam(),
        ["hirescam"] = () => new HiResCam(),
        ["layercam"] = () => new LayerCam(),
        ["gradcam-elementwise"] = () => new GradCamElementwise(),
        ["eigencam"] = () => new EigenCam(),
        ["eigengradcam"] = () => new EigenGradCam(),
    };

    public static IEnumerable<string> Names => Methods.Keys.Concat([GuidedBackprop, GuidedGradCam]);

    /// <summary>A method with a raw map of its own (everything but the guided ones).</summary>
    public static bool IsKnownCam(string name) => Methods.ContainsKey(name);

    public static bool IsKnown(string name) => Methods.ContainsKey(name) || name is GuidedBackprop or GuidedGradCam;

    public static CamMethod Create(string name) => Methods.TryGetValue(name, out var create)
        ? create()
        : throw new ArgumentException($"unknown method '{name}' (known: {string.Join(", ", Names)})");
}
