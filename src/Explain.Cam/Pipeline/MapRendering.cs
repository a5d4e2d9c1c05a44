namespace Explain.Cam.Pipeline;

/// <summary>How an input-space method's raw map becomes the map in [0, 1].</summary>
public enum MapRendering
{
    /// <summary>An H×W heat map: normalized as every CAM map (ReLU, min-max, resize, min-max).</summary>
    Heat,

    /// <summary>A C×H×W picture of an input gradient: standardized, ×0.1, +0.5, clipped (pytorch-grad-cam's deprocess_image).</summary>
    Picture,
}
