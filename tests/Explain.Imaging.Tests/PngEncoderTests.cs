using System.IO.Compression;
using Explain.Imaging.Png;

namespace Explain.Imaging.Tests;

public class PngEncoderTests
{
    [Theory]
    [InlineData(3, 1, 1)]
    [InlineData(3, 57, 31)]
    [InlineData(4, 57, 31)]
    public void Encode_RandomPixels_DecodesBackThroughPil(int channels, int width, int height)
    {
        var pixels = RandomPixels(width * height * channels, seed: width + channels);
        var dir = Directory.CreateTempSubdirectory("explain-png-");
        try
        {
            var png = Path.Combine(dir.FullName, "x.png");
            var raw = Path.Combine(dir.FullName, "x.raw");
            File.WriteAllBytes(png, PngEncoder.Encode(pixels, width, height, channels));

            string info = Fixtures.RunPython("pil_decode.py", png, raw).Trim();

            Assert.Equal($"{(channels == 3 ? "RGB" : "RGBA")} {width} {height}", info);
            Assert.Equal(pixels, File.ReadAllBytes(raw));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Encode_RgbImage_RoundTripsThroughOwnDecoder()
    {
        var image = ImageDecoder.DecodeFile(Path.Combine(Fixtures.Shared, "data/images/horses.jpg"));

        var decoded = ImageDecoder.Decode(PngEncoder.Encode(image));

        ImageAssert.Equal(decoded, image.Width, image.Height, image.Pixels);
    }

    [Fact]
    public void Encode_Rgba_DecodesWithAlphaDropped()
    {
        var rgba = RandomPixels(5 * 4 * 4, seed: 3);

        var decoded = ImageDecoder.Decode(PngEncoder.Encode(rgba, 5, 4, channels: 4));

        ImageAssert.Equal(decoded, 5, 4, DropAlpha(rgba));
    }

    [Theory]
    [InlineData(3, 1, 1)]
    [InlineData(3, 7, 3)]
    [InlineData(4, 13, 11)]
    [InlineData(3, 101, 67)]
    [InlineData(4, 333, 5)]
    public void Encode_RandomPixelsAtEveryLevel_DecodesBackExactly(int channels, int width, int height)
    {
        var pixels = RandomPixels(width * height * channels, seed: width * height);
        var rgb = channels == 3 ? pixels : DropAlpha(pixels);

        foreach (var level in Enum.GetValues<CompressionLevel>())
        {
            var decoded = ImageDecoder.Decode(PngEncoder.Encode(pixels, width, height, channels, level));

            ImageAssert.Equal(decoded, width, height, rgb);
        }
    }

    [Fact]
    public void Encode_WrongBufferLength_Throws() =>
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(new byte[10], 2, 2, 3));

    private static byte[] DropAlpha(byte[] rgba) =>
        Enumerable.Range(0, rgba.Length / 4).SelectMany(i => new[] { rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2] }).ToArray();

    private static byte[] RandomPixels(int length, int seed)
    {
        var pixels = new byte[length];
        var random = new Random(seed);
        for (int i = 0; i < length; i++)
        {
            // Smooth ramps with noise, so every filter type wins on some row.
            pixels[i] = (byte)((i % 97) * 2 + random.Next(0, i % 3 == 0 ? 64 : 4));
        }

        return pixels;
    }
}
