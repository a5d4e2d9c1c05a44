using Explain.Cam.Targets;
using Explain.Engine.Tensors;

namespace Explain.Cam;

/// <summary>
/// Guided backpropagation (Springenberg et al., 2015) and Guided Grad-CAM (Selvaraju et al., §3:
/// the pointwise product of the guided gradient with the upsampled Grad-CAM map), rendered to
/// [0,1] as pytorch-grad-cam's deprocess_image does: standardize, ×0.1, +0.5, clip.
/// </summary>
internal static class GuidedMaps
{
    public static IEnumerable<CamMap> Build(IReadOnlyList<string> methods, IReadOnlyList<CamTarget> targets, Tensor guided, IReadOnlyList<float[]>? gradCams, string layer)
    {
        int channels = guided.Shape[1], height = guided.Shape[2], width = guided.Shape[3];
        int size = channels * height * width;
        int[] shape = [channels, height, width];
        for (int t = 0; t < targets.Count; t++)
        {
            var gradient = guided.Floats.AsSpan(t * size, size).ToArray();
            if (methods.Contains(CamRegistry.GuidedBackprop))
                yield return new CamMap(CamRegistry.GuidedBackprop, targets[t].Name, targets[t].ClassIndex, layer, gradient, shape, Deprocess(gradient), shape);
            if (gradCams is not null)
            {
                var product = new float[size];
                for (int c = 0; c < channels; c++)
                    System.Numerics.Tensors.TensorPrimitives.Multiply(gradient.AsSpan(c * height * width, height * width), gradCams[t], product.AsSpan(c * height * width, height * width));
                yield return new CamMap(CamRegistry.GuidedGradCam, targets[t].Name, targets[t].ClassIndex, layer, product, shape, Deprocess(product), shape);
            }
        }
    }

    public static float[] Deprocess(float[] x)
    {
        double mean = x.Average();
        double std = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / x.Length);
        return x.Select(v => (float)Math.Clamp((v - mean) / (std + 1e-5) * 0.1 + 0.5, 0, 1)).ToArray();
    }
}
