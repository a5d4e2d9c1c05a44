using Explain.Cam.Methods;
using Explain.Cam.Perturbation;
using Explain.Engine.Errors;

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

    private static readonly Dictionary<string, Func<PerturbationMethod>> Perturbations = new(StringComparer.Ordinal)
    {
        ["scorecam"] = () => new ScoreCam(),
        ["ablationcam"] = () => new AblationCam(),
        ["integrated-gradcam"] = () => new IntegratedGradCam(),
        ["groupcam"] = () => new GroupCam(),
    };

    public static IEnumerable<string> Names => Methods.Keys.Concat(Perturbations.Keys).Concat([GuidedBackprop, GuidedGradCam]);

    /// <summary>A method computed from the shared forward/backward pass alone.</summary>
    public static bool IsKnownCam(string name) => Methods.ContainsKey(name);

    /// <summary>A method that re-runs the model.</summary>
    public static bool IsPerturbation(string name) => Perturbations.ContainsKey(name);

    public static PerturbationMethod CreatePerturbation(string name) => Perturbations[name]();

    public static bool IsKnown(string name) => Methods.ContainsKey(name) || Perturbations.ContainsKey(name) || name is GuidedBackprop or GuidedGradCam;

    public static CamMethod Create(string name) => Methods.TryGetValue(name, out var create)
        ? create()
        : throw new ArgumentException($"unknown method '{LogText.Of(name)}' (known: {string.Join(", ", Names)})");
}
