using System.IO.Compression;
using Explain.Imaging.Png;

namespace Explain.Imaging.Tests;

public class PngDecoderTests
{
    /// <summary>Every legal colour type × bit depth, plain and Adam7 (also 3×2, where passes are empty).</summary>
    public static TheoryData<string> GeneratedPngs() => Names("png");

    /// <summary>PNGs written by PIL's own encoder (modes 1, L, LA, RGB, RGBA, P).</summary>
    public static TheoryData<string> PilPngs() => Names("pil_png");

    [Theory]
    [MemberData(nameof(GeneratedPngs))]
    public void Decode_GeneratedPng_MatchesSourcePixels(string file) => AssertDecodes("png", file);

    [Theory]
    [MemberData(nameof(PilPngs))]
    public void Decode_PilWrittenPng_MatchesPilConvertRgb(string file) => AssertDecodes("pil_png", file);

    [Fact]
    public void Decode_GeneratedSuite_CoversEveryColourTypeDepthAndInterlace()
    {
        var names = Fixtures.Entries("png").Select(e => e.GetProperty("file").GetString()!).ToList();

        Assert.Equal(15, names.Count(n => n.Contains("_plain_")));
        Assert.Equal(30, names.Count(n => n.Contains("_adam7_")));
    }

    [Fact]
    public void Decode_RealPng_MatchesPilExactly()
    {
        var entry = Fixtures.Entries("real").Single(e => e.GetProperty("format").GetString() == "PNG");

        var image = ImageDecoder.DecodeFile(entry.GetProperty("file").GetString()!);

        ImageAssert.Equal(image, 224, 224, Fixtures.Bytes(entry, "expected"));
    }

    [Theory]
    [InlineData(3, 700, 520)]
    [InlineData(4, 601, 480)]
    public void Decode_ImageDataLongerThanOneInflateBlock_DecodesExactly(int channels, int width, int height)
    {
        var random = new Random(width);
        var pixels = new byte[width * height * channels];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i / 7 % 251 + random.Next(8)); // every filter wins somewhere
        }

        var image = ImageDecoder.Decode(PngEncoder.Encode(pixels, width, height, channels, CompressionLevel.Fastest));

        var rgb = channels == 3 ? pixels : pixels.Where((_, i) => i % 4 != 3).ToArray();
        ImageAssert.Equal(image, width, height, rgb);
    }

    [Fact]
    public void Decode_ExtraDataAfterLastScanline_IsIgnored()
    {
        var image = ImageDecoder.Decode(PngBuilder.TwoPixelGrey(0, 7, 9, 1, 2, 3));

        ImageAssert.Equal(image, 2, 1, [7, 7, 7, 9, 9, 9]);
    }

    [Fact]
    public void Decode_ImageDataMissingLastRow_ThrowsTruncated()
    {
        var png = new PngBuilder().Chunk("IHDR", PngBuilder.Header(2, 3, 8, 0))
            .Chunk("IDAT", PngBuilder.Zlib(0, 1, 2, 2, 1, 1)).Chunk("IEND", []).ToArray();

        var error = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(png));

        Assert.Contains("Truncated PNG", error.Message);
    }

    [Fact]
    public void Identify_Png_ReadsHeaderOnly()
    {
        var entry = Fixtures.Entries("png").First();
        var header = Fixtures.Bytes(entry, "file").AsSpan(0, 33);

        var (format, width, height) = ImageDecoder.Identify(header);

        Assert.Equal((ImageFormat.Png, 37, 23), (format, width, height));
    }

    private static void AssertDecodes(string section, string file)
    {
        var entry = Fixtures.Entry(section, "file", file);

        var image = ImageDecoder.Decode(Fixtures.Bytes(entry, "file"));

        ImageAssert.Equal(image, entry.GetProperty("width").GetInt32(), entry.GetProperty("height").GetInt32(),
            Fixtures.Bytes(entry, "expected"));
    }

    private static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var entry in Fixtures.Entries(section))
        {
            data.Add(entry.GetProperty("file").GetString()!);
        }

        return data;
    }
}
