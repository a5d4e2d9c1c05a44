using Explain.Cam.Pipeline;

namespace Explain.Cam.Methods;

/// <summary>
/// RefineCAM (arXiv 2605.14641; pytorch-grad-cam HEAD 084273b refine_cam.py): the maps of several
/// target layers, each from the base method (Grad-CAM++ by default upstream), multiplied position by
/// position at input resolution, map = Π_l M̂_l, so a region survives only where every layer agrees;
/// this denoises the fine early layers with the coarse late ones. All layers come from the ONE
/// shared forward/backward pass (it observes every target layer at once), not a pass per layer.
/// </summary>
/// <remarks>
/// The paper's M̂_l is each layer's map normalized to [0, 1] before the product: here
/// ReLU → bilinear resize → divide by (max + 1e-8), which keeps zero at zero. Upstream means the
/// same (its loop "make sure that cams are in the range [0, 1]": ReLU, ÷ (max + 1e-8)) but the loop
/// rebinds its variable and changes nothing; what it multiplies is each base CAM's own output,
/// min-max normalized twice (scale_cam_image in compute_cam_per_layer and again in
/// aggregate_multi_layers), which sends each layer's minimum — not its zero — to 0. In compat mode
/// (<see cref="CompatMode.PytorchGradCam"/>) that is reproduced: M̂_l = minmax(minmax(resize(minmax(ReLU(raw_l))))).
/// The product (before the final min-max) is the raw map reported, at input resolution.
/// </remarks>
public sealed class RefineCam : AttributionMethod
{
    private const float MaxEpsilon = 1e-8f;

    private static readonly GradCamPlusPlus Base = new();

    public override string WireName => "refinecam";

    public override MethodNeeds Needs => MethodNeeds.Activations | MethodNeeds.Gradients;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        int height = passes.Input.Shape[2], width = passes.Input.Shape[3];
        bool compat = passes.Options.Compat == CompatMode.PytorchGradCam;
        return passes.Targets.Select((_, t) =>
        {
            var product = new float[height * width];
            Array.Fill(product, 1f);
            foreach (var (_, perTarget) in passes.LayerViews)
            {
                var view = perTarget[t];
                var raw = Base.RawMap(view, passes.Options.EigenSmooth);
                var normalized = compat ? CamScaling.MinMax(CamScaling.Normalize(raw, view.Height, view.Width, height, width)) : MaxNormalized(raw, view.Height, view.Width, height, width);
                System.Numerics.Tensors.TensorPrimitives.Multiply(product, normalized, product);
            }
            return new RawMap(product, [height, width]);
        }).ToList();
    }

    /// <summary>ReLU, resize, ÷ (max + 1e-8): the paper's per-layer normalization.</summary>
    private static float[] MaxNormalized(float[] raw, int h, int w, int height, int width)
    {
        var map = CamScaling.Resize(CamScaling.Relu(raw), h, w, height, width);
        var result = new float[map.Length];
        System.Numerics.Tensors.TensorPrimitives.Divide(map, System.Numerics.Tensors.TensorPrimitives.Max(map) + MaxEpsilon, result);
        return result;
    }
}
