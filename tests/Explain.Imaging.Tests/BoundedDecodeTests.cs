using System.Buffers.Binary;
using Explain.Imaging.Preprocessing;

namespace Explain.Imaging.Tests;

/// <summary>
/// Issue 12 part 6: the cost of a decode and of the preprocessing is bounded by limits checked
/// before the work; an extreme aspect ratio or side never overflows; many-scan JPEGs are refused
/// by counting their scans, before libjpeg walks them.
/// </summary>
public class BoundedDecodeTests
{
    private static readonly PreprocessSpec Spec = new(224, 224, ChannelOrder.Rgb, 256, ResampleFilter.Bilinear, 1 / 255.0, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);

    private static readonly ImageLimits NoAspectLimit = ImageLimits.Default with { MaxAspectRatio = double.PositiveInfinity };

    [Fact]
    public void Decode_ProgressiveJpegWithThousandsOfScans_RefusedByScanCount()
    {
        var jpeg = ManyScans(File.ReadAllBytes(Path.Combine(Fixtures.Shared, "data/images/dog_cat.jfif")), 2000);

        var error = Assert.Throws<ImageLimitException>(() => ImageDecoder.Decode(jpeg));

        Assert.InRange(jpeg.Length, 20_000, 60_000);
        Assert.Contains("more than 100 scans", error.Message);
        Assert.Throws<ImageLimitException>(() => ImageDecoder.Validate(jpeg));
    }

    [Fact]
    public void Decode_JpegScanLimit_AppliesAtTheBoundary()
    {
        var jpeg = ManyScans(File.ReadAllBytes(Path.Combine(Fixtures.Shared, "data/images/dog_cat.jfif")), 9);

        // 10 scans in all: refused at 9, past the count at 10 (libjpeg then rejects the empty scans).
        Assert.Throws<ImageLimitException>(() => ImageDecoder.Decode(jpeg, ImageLimits.Default with { MaxJpegScans = 9 }));
        var error = Record.Exception(() => ImageDecoder.Decode(jpeg, ImageLimits.Default with { MaxJpegScans = 10 }));
        Assert.IsNotType<ImageLimitException>(error);
    }

    [Theory]
    [InlineData("data/images/dog_cat.jfif")]
    [InlineData("data/images/horses.jpg")]
    public void Decode_RealJpeg_PassesTheScanLimit(string name)
    {
        var image = ImageDecoder.DecodeFile(Path.Combine(Fixtures.Shared, name));

        Assert.True(image.Width > 0 && image.Height > 0);
    }

    [Fact]
    public void Decode_65535x1Png_RefusedCleanlyByAspectRatio()
    {
        var png = SolidPng(65535, 1);

        var error = Assert.Throws<ImageLimitException>(() => ImageDecoder.Decode(png));

        Assert.Contains("aspect ratio", error.Message);
    }

    [Theory]
    [InlineData(65535, 1)]
    [InlineData(1, 5000)]
    [InlineData(1, 65535)]
    public void ResizeAndCrop_ExtremeAspectRatio_CostsNoMoreThanTheCrop(int width, int height)
    {
        var image = ImageDecoder.Decode(SolidPng(width, height), NoAspectLimit);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var tensor = ImagePreprocessor.ToTensor(image, Spec);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A resize before the crop would allocate 3 × 256 × 16.7 M bytes for 65535 x 1.
        Assert.Equal(3 * 224 * 224, tensor.Length);
        Assert.InRange(allocated, 0, 4L << 20);
        for (int c = 0; c < 3; c++)
        {
            float expected = (float)((128 / 255.0 - Spec.Mean[c]) / Spec.Std[c]);
            Assert.All(tensor.AsSpan(c * 224 * 224, 224 * 224).ToArray(), v => Assert.Equal(expected, v, 1e-4f));
        }
    }

    [Fact]
    public void Decode_SideOverLimit_Refused()
    {
        var png = SolidPng(300, 200);

        Assert.Throws<ImageLimitException>(() => ImageDecoder.Decode(png, ImageLimits.Default with { MaxSide = 299 }));
        Assert.NotNull(ImageDecoder.Decode(png, ImageLimits.Default with { MaxSide = 300 }));
    }

    [Theory]
    [InlineData(37, 300, 64, 56, 56, ResampleFilter.Bilinear)]
    [InlineData(300, 37, 64, 56, 48, ResampleFilter.Bicubic)]
    [InlineData(120, 90, 100, 64, 64, ResampleFilter.Lanczos)]
    [InlineData(20, 30, 16, 24, 40, ResampleFilter.Bilinear)] // crop larger than the resize: padding
    [InlineData(50, 40, null, 30, 30, ResampleFilter.Bilinear)] // crop only
    [InlineData(50, 40, 40, 30, 30, ResampleFilter.Bicubic)] // shorter side already at S
    public void ResizeAndCrop_EqualsResizeThenCenterCrop(int width, int height, int? shorter, int cropH, int cropW, ResampleFilter filter)
    {
        var random = new Random(width * 1000 + height);
        var pixels = new byte[3 * width * height];
        random.NextBytes(pixels);
        var image = new RgbImage(width, height, pixels);
        var spec = Spec with { ResizeShorterTo = shorter, InputHeight = cropH, InputWidth = cropW, Interpolation = filter };

        var (rw, rh) = ImagePreprocessor.ResizedSize(width, height, shorter);
        var twoStep = ImagePreprocessor.CenterCrop(ImagePreprocessor.Resize(image, rw, rh, filter), cropH, cropW);
        var oneStep = ImagePreprocessor.ResizeAndCrop(image, spec);

        Assert.Equal(twoStep.Width, oneStep.Width);
        Assert.Equal(twoStep.Height, oneStep.Height);
        Assert.Equal(twoStep.Pixels, oneStep.Pixels);
    }

    /// <summary>An RGB8 PNG of one grey level, filter type 0 (the file is small: zlib packs the rows).</summary>
    internal static byte[] SolidPng(int width, int height)
    {
        var raw = new byte[(1L + 3L * width) * height];
        for (long row = 0; row < height; row++)
        {
            raw.AsSpan((int)(row * (1 + 3L * width)) + 1, 3 * width).Fill(128);
        }

        return new PngBuilder().Chunk("IHDR", PngBuilder.Header((uint)width, (uint)height, 8, 2))
            .Chunk("IDAT", PngBuilder.Zlib(raw)).Chunk("IEND", []).ToArray();
    }

    /// <summary>
    /// The JPEG with <paramref name="extra"/> copies of its first scan header (and no scan data)
    /// inserted before the real scan: a many-scan file as an attacker would write it.
    /// </summary>
    internal static byte[] ManyScans(byte[] jpeg, int extra)
    {
        int sos = FindMarker(jpeg, 0xDA);
        int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(sos + 2));
        var header = jpeg.AsSpan(sos, 2 + length).ToArray();
        using var output = new MemoryStream();
        output.Write(jpeg, 0, sos);
        for (int i = 0; i < extra; i++)
        {
            output.Write(header);
        }

        output.Write(jpeg, sos, jpeg.Length - sos);
        return output.ToArray();
    }

    private static int FindMarker(byte[] jpeg, byte code)
    {
        int i = 2;
        while (jpeg[i] == 0xFF && jpeg[i + 1] != code)
        {
            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
        }

        return jpeg[i] == 0xFF ? i : throw new InvalidDataException("marker not found");
    }
}
