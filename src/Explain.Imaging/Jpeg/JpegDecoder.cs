using System.Runtime.InteropServices;

namespace Explain.Imaging.Jpeg;

/// <summary>
/// JPEG through TurboJPEG: baseline, progressive, grayscale and CMYK, always delivered as RGB8
/// with the EXIF orientation applied. Default flags keep libjpeg's accurate integer IDCT and
/// fancy upsampling, the same settings PIL decodes with, so results match PIL byte for byte
/// when both link the same libjpeg-turbo.
/// </summary>
internal static class JpegDecoder
{
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> data)
    {
        nint handle = CreateHandle();
        try
        {
            var (w, h, _) = ReadHeader(handle, data);
            return ExifOrientation.SwapsAxes(ExifOrientation.Read(data)) ? (h, w) : (w, h);
        }
        finally
        {
            TurboJpegNative.Destroy(handle);
        }
    }

    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageLimits limits)
    {
        nint handle = CreateHandle();
        try
        {
            var (width, height, colorspace) = ReadHeader(handle, data);
            limits.CheckDimensions(width, height);
            limits.CheckJpegScans(JpegScanCounter.Count(data, (int)Math.Min(limits.MaxJpegScans + 1L, int.MaxValue)));
            bool cmyk = colorspace is TurboJpegNative.ColorspaceCmyk or TurboJpegNative.ColorspaceYcck;
            var buffer = new byte[(long)width * height * (cmyk ? 4 : 3)];
            Decompress(handle, data, buffer, width, height, cmyk ? TurboJpegNative.PixelFormatCmyk : TurboJpegNative.PixelFormatRgb);
            var image = new RgbImage(width, height, cmyk ? CmykToRgb(buffer) : buffer);
            return OrientationTransform.Apply(image, ExifOrientation.Read(data));
        }
        finally
        {
            TurboJpegNative.Destroy(handle);
        }
    }

    private static unsafe (int Width, int Height, int Colorspace) ReadHeader(nint handle, ReadOnlySpan<byte> data)
    {
        fixed (byte* src = data)
        {
            int rc = TurboJpegNative.DecompressHeader3(handle, src, new CULong((nuint)data.Length),
                out int w, out int h, out _, out int colorspace);
            ThrowUnlessTolerable(handle, rc, "Invalid JPEG header");
            return (w, h, colorspace);
        }
    }

    private static unsafe void Decompress(nint handle, ReadOnlySpan<byte> data, byte[] dst, int width, int height, int pixelFormat)
    {
        fixed (byte* src = data)
        fixed (byte* dstPtr = dst)
        {
            int rc = TurboJpegNative.Decompress2(handle, src, new CULong((nuint)data.Length), dstPtr,
                width, dst.Length / height, height, pixelFormat, 0);
            ThrowUnlessTolerable(handle, rc, "Corrupt or truncated JPEG");
        }
    }

    /// <summary>
    /// TurboJPEG returns −1 for errors and for libjpeg warnings alike. libjpeg "recovers" from
    /// truncation and corrupt entropy data by painting grey: those warnings mean wrong pixels,
    /// so they fail. Stray bytes between markers are harmless and common in camera files, and
    /// PIL accepts them, so that one warning passes.
    /// </summary>
    private static void ThrowUnlessTolerable(nint handle, int rc, string what)
    {
        if (rc == 0)
        {
            return;
        }

        string message = TurboJpegNative.LastError(handle);
        bool warning = TurboJpegNative.GetErrorCode(handle) == TurboJpegNative.ErrorWarning;
        if (!warning || !message.Contains("extraneous bytes", StringComparison.OrdinalIgnoreCase))
        {
            throw new ImageFormatException($"{what}: {message}.");
        }
    }

    private static nint CreateHandle()
    {
        nint handle;
        try
        {
            handle = TurboJpegNative.InitDecompress();
        }
        catch (DllNotFoundException e)
        {
            throw new ImagingException("libturbojpeg.so.0 is not installed (Debian: apt-get install libturbojpeg0).", e);
        }

        return handle != 0 ? handle : throw new ImagingException("tjInitDecompress failed.");
    }

    /// <summary>
    /// As PIL: Adobe CMYK JPEGs store inverted ink values, and PIL converts with
    /// R = (255 − C)(255 − K)/255 in its MULDIV255 rounding, applied to the inverted data.
    /// </summary>
    private static byte[] CmykToRgb(byte[] cmyk)
    {
        var rgb = new byte[cmyk.Length / 4 * 3];
        for (int i = 0, o = 0; i < cmyk.Length; i += 4, o += 3)
        {
            int k = cmyk[i + 3];
            for (int c = 0; c < 3; c++)
            {
                int t = (255 - cmyk[i + c]) * k + 128;
                rgb[o + c] = (byte)Math.Clamp(k - (((t >> 8) + t) >> 8), 0, 255);
            }
        }

        return rgb;
    }
}
