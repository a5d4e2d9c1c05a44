namespace Explain.Cam.Attribution;

/// <summary>The scalar ShapleyCAM explains for a class target c.</summary>
public enum ShapleyScore
{
    /// <summary>ReST (Cai et al. 2025, eq. 14; pytorch-grad-cam's ClassifierOutputReST): y_c − CE(y, c) = 2 y_c − logsumexp(y).</summary>
    Rest,

    /// <summary>The pre-softmax logit y_c (pytorch-grad-cam's ClassifierOutputTarget): its second derivative is the network's alone.</summary>
    Logit,
}
