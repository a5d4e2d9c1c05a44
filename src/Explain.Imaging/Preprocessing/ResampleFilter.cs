namespace Explain.Imaging.Preprocessing;

/// <summary>
/// PIL's convolution filters for <c>Image.resize</c> (Pillow libImaging/Resample.c): each is
/// stretched by the downscale factor, so downscaling antialiases.
/// </summary>
public enum ResampleFilter
{
    /// <summary>Triangle, support 1: PIL BILINEAR, torchvision's default.</summary>
    Bilinear,

    /// <summary>Keys cubic with a = −0.5, support 2: PIL BICUBIC.</summary>
    Bicubic,

    /// <summary>Lanczos-3, support 3: PIL LANCZOS.</summary>
    Lanczos,
}
