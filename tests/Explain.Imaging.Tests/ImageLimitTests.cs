using System.Buffers.Binary;

namespace Explain.Imaging.Tests;

public class ImageLimitTests
{
    private const long AllowedAllocation = 256 * 1024;

    [Fact]
    public void Decode_PngBombHeader_ThrowsLimitBeforeAllocating()
    {
        var png = new PngBuilder().Chunk("IHDR", PngBuilder.Header(100_000, 100_000, 16, 6))
            .Chunk("IDAT", PngBuilder.Zlib(new byte[1024])).Chunk("IEND", []).ToArray();

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ImageLimitException>(() => ImageDecoder.Decode(png));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("100000x100000", error.Message);
        Assert.InRange(allocated, 0, AllowedAllocation);
    }

    [Fact]
    public void Decode_JpegWithHugeFrameHeader_ThrowsLimitBeforeAllocating()
    {
        var jpeg = File.ReadAllBytes(Path.Combine(Fixtures.Shared, "data/images/dog_cat.jfif"));
        int sof = FindFrameHeader(jpeg);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), 60_000);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), 60_000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ImageLimitException>(() => ImageDecoder.Decode(jpeg));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("60000x60000", error.Message);
        Assert.InRange(allocated, 0, AllowedAllocation);
    }

    [Fact]
    public void Decode_TooManyBytes_ThrowsLimitFromLengthAlone()
    {
        var path = Path.Combine(Fixtures.Shared, "data/images/horses.jpg");
        var limits = new ImageLimits(MaxBytes: 1000, MaxPixels: long.MaxValue);

        Assert.Throws<ImageLimitException>(() => ImageDecoder.DecodeFile(path, limits));
        Assert.Throws<ImageLimitException>(() => ImageDecoder.Decode(new byte[1001], limits));
    }

    [Theory]
    [InlineData(224 * 224 - 1, true)]
    [InlineData(224 * 224, false)]
    public void Decode_PixelLimitAtBoundary_AppliesExactly(long maxPixels, bool throws)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures.Shared, "data/images/both.png"));
        var limits = ImageLimits.Default with { MaxPixels = maxPixels };

        var error = Record.Exception(() => ImageDecoder.Decode(bytes, limits));

        Assert.Equal(throws, error is ImageLimitException);
        Assert.True(throws || error is null);
    }

    [Fact]
    public void ImagingExceptions_ShareOneBase()
    {
        Assert.IsAssignableFrom<ImagingException>(new ImageLimitException("x"));
        Assert.IsAssignableFrom<ImagingException>(new ImageFormatException("x"));
    }

    /// <summary>Offset of the first SOF0/SOF2 marker (FF C0 / FF C2).</summary>
    private static int FindFrameHeader(byte[] jpeg)
    {
        for (int i = 2; i + 1 < jpeg.Length; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC2)
            {
                return i;
            }
        }

        throw new InvalidOperationException("No SOF marker.");
    }
}
