namespace Explain.Cam.Attribution;

/// <summary>How SmoothGrad aggregates the noisy samples' |gradients| (Captum's NoiseTunnel nt_type).</summary>
public enum SmoothGradVariant
{
    /// <summary>smoothgrad: the mean (Smilkov et al. 2017, eq. 3).</summary>
    Mean,

    /// <summary>smoothgrad-squared: the mean of the squares (Hooker et al., NeurIPS 2019, "SG-SQ").</summary>
    Squared,

    /// <summary>vargrad: the variance (Adebayo et al., ICLR-W 2018).</summary>
    Variance,
}
