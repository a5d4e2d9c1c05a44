using System.Runtime.InteropServices;

namespace Explain.Imaging.Jpeg;

/// <summary>
/// The TurboJPEG 2.x C API (turbojpeg.h) from Debian's libturbojpeg0. Only the five calls the
/// decoder needs. <c>unsigned long</c> is <see cref="CULong"/> so the binding stays right on
/// LLP64 platforms too.
/// </summary>
internal static partial class TurboJpegNative
{
    private const string Library = "libturbojpeg.so.0";

    /// <summary>TJPF_RGB: 3 bytes per pixel, R first.</summary>
    public const int PixelFormatRgb = 0;

    /// <summary>TJPF_CMYK: the only output TurboJPEG allows for CMYK/YCCK sources.</summary>
    public const int PixelFormatCmyk = 11;

    public const int ColorspaceCmyk = 3;
    public const int ColorspaceYcck = 4;

    /// <summary>TJERR_WARNING from tjGetErrorCode: libjpeg recovered from a non-fatal problem.</summary>
    public const int ErrorWarning = 0;

    [LibraryImport(Library, EntryPoint = "tjInitDecompress")]
    public static partial nint InitDecompress();

    [LibraryImport(Library, EntryPoint = "tjDecompressHeader3")]
    public static unsafe partial int DecompressHeader3(
        nint handle, byte* jpegBuf, CULong jpegSize,
        out int width, out int height, out int subsampling, out int colorspace);

    [LibraryImport(Library, EntryPoint = "tjDecompress2")]
    public static unsafe partial int Decompress2(
        nint handle, byte* jpegBuf, CULong jpegSize, byte* dstBuf,
        int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(Library, EntryPoint = "tjGetErrorStr2")]
    public static partial nint GetErrorStr2(nint handle);

    [LibraryImport(Library, EntryPoint = "tjGetErrorCode")]
    public static partial int GetErrorCode(nint handle);

    [LibraryImport(Library, EntryPoint = "tjDestroy")]
    public static partial int Destroy(nint handle);

    public static string LastError(nint handle) =>
        Marshal.PtrToStringUTF8(GetErrorStr2(handle)) ?? "unknown TurboJPEG error";
}
