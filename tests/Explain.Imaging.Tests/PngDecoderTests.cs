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
