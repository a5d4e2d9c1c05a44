using Explain.Cam.Attribution;
using Explain.Cam.Methods;
using Explain.Cam.Perturbation;
using Explain.Cam.Pipeline;
using Explain.Engine.Errors;

namespace Explain.Cam;

/// <summary>
/// Wire names (docs/methods.md) to methods, in three kinds the explainer runs through one pipeline:
/// CAM methods (one layer's activations and gradients), perturbation methods (re-runs through the
/// probe) and attribution methods (input-space maps and whole-pass readers, guided ones included).
/// </summary>
public static class CamRegistry
{
    public const string GuidedBackprop = "guided-backprop";
    public const string GuidedGradCam = "guided-gradcam";

    /// <summary>Deep Feature Factorization: maps per concept ("concept-&lt;i&gt;"), not per target.</summary>
    public const string Dff = DeepFeatureFactorization.WireName;

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
        ["segeigencam"] = () => new SegEigenCam(),
    };

    private static readonly Dictionary<string, Func<PerturbationMethod>> Perturbations = new(StringComparer.Ordinal)
    {
        ["scorecam"] = () => new ScoreCam(),
        ["ablationcam"] = () => new AblationCam(),
        ["integrated-gradcam"] = () => new IntegratedGradCam(),
        ["groupcam"] = () => new GroupCam(),
        ["smoothgradcam++"] = () => new SmoothGradCamPlusPlus(),
        ["sscam"] = () => new SsCam(),
        ["iscam"] = () => new IsCam(),
    };

    private static readonly Dictionary<string, Func<AttributionMethod>> Attributions = new(StringComparer.Ordinal)
    {
        [GuidedBackprop] = () => new GuidedBackprop(),
        [GuidedGradCam] = () => new GuidedGradCam(),
        ["saliency"] = () => new Saliency(),
        ["inputxgradient"] = () => new InputXGradient(),
        ["integrated-gradients"] = () => new IntegratedGradients(),
        ["smoothgrad"] = () => new SmoothGrad(SmoothGradVariant.Mean),
        ["smoothgrad-squared"] = () => new SmoothGrad(SmoothGradVariant.Squared),
        ["vargrad"] = () => new SmoothGrad(SmoothGradVariant.Variance),
        ["fullgrad"] = () => new FullGrad(),
        ["shapleycam"] = () => new ShapleyCam(),
        ["cam"] = () => new ClassActivationMap(),
        ["randomcam"] = () => new RandomCam(),
        ["sobel"] = () => new Sobel(),
        [Occlusion.Name] = () => new Occlusion(),
        ["rise"] = () => new Rise(),
        ["finercam"] = () => new FinerCam(),
        ["kpcacam"] = () => new KpcaCam(),
        ["fem"] = () => new Fem(),
        ["refinecam"] = () => new RefineCam(),
    };

    public static IEnumerable<string> Names => Methods.Keys.Concat(Perturbations.Keys).Concat(Attributions.Keys).Append(Dff);

    /// <summary>A method computed from the shared forward/backward pass alone.</summary>
    public static bool IsKnownCam(string name) => Methods.ContainsKey(name);

    /// <summary>A method that re-runs the model.</summary>
    public static bool IsPerturbation(string name) => Perturbations.ContainsKey(name);

    /// <summary>An input-space or whole-pass method (saliency, Integrated Gradients, FullGrad, guided backpropagation, …).</summary>
    public static bool IsAttribution(string name) => Attributions.ContainsKey(name);

    public static PerturbationMethod CreatePerturbation(string name) => Perturbations[name]();

    public static AttributionMethod CreateAttribution(string name) => Attributions[name]();

    public static bool IsKnown(string name) => Methods.ContainsKey(name) || Perturbations.ContainsKey(name) || Attributions.ContainsKey(name) || name == Dff;

    public static CamMethod Create(string name) => Methods.TryGetValue(name, out var create)
        ? create()
        : throw new ArgumentException($"unknown method '{LogText.Of(name)}' (known: {string.Join(", ", Names)})");

    /// <summary>What <paramref name="name"/> reads from the shared passes.</summary>
    public static MethodNeeds NeedsOf(string name) =>
        Methods.TryGetValue(name, out var cam) ? cam().Needs
        : Perturbations.TryGetValue(name, out var perturbation) ? perturbation().Needs
        : Attributions.TryGetValue(name, out var attribution) ? attribution().Needs
        : name == Dff ? DeepFeatureFactorization.Needs
        : throw new ArgumentException($"unknown method '{LogText.Of(name)}' (known: {string.Join(", ", Names)})");
}
