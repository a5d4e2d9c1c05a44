namespace Explain.Imaging.Tests;

/// <summary>
/// TurboJPEG against PIL. Both use libjpeg-turbo's accurate IDCT and fancy upsampling here, so
/// the measured difference is 0 on every file; the bound of 2 levels leaves room for a PIL
/// built on another libjpeg (IDCT rounding differs by a level or two between implementations).
/// </summary>
public class JpegDecoderTests
{
    private const int MaxLevels = 2;

    public static TheoryData<string> Jpegs()
    {
        var data = new TheoryData<string>();
        foreach (var entry in Fixtures.Entries("jpeg"))
        {
            data.Add(entry.GetProperty("file").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Jpegs))]
    public void Decode_GeneratedJpeg_MatchesPilAfterExifTranspose(string file)
    {
        var entry = Fixtures.Entry("jpeg", "file", file);
        var expected = Fixtures.Bytes(entry, "expected");

        var image = ImageDecoder.Decode(Fixtures.Bytes(entry, "file"));

        Assert.Equal((entry.GetProperty("width").GetInt32(), entry.GetProperty("height").GetInt32()), (image.Width, image.Height));
        Assert.InRange(ImageAssert.MaxDifference(image.Pixels, expected), 0, MaxLevels);
    }

    [Theory]
    [InlineData("dog_cat.jfif", 284, 177, false)]
    [InlineData("horses.jpg", 425, 280, true)]
    public void Decode_RealJpeg_MatchesPil(string name, int width, int height, bool progressive)
    {
        var entry = Fixtures.Entries("real").Single(e => e.GetProperty("file").GetString()!.EndsWith(name));
        Assert.Equal(progressive, entry.GetProperty("progressive").GetBoolean());

        var image = ImageDecoder.DecodeFile(entry.GetProperty("file").GetString()!);

        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.InRange(ImageAssert.MaxDifference(image.Pixels, Fixtures.Bytes(entry, "expected")), 0, MaxLevels);
    }

    [Theory]
    [InlineData("orientation_5.jpg")]
    [InlineData("orientation_6.jpg")]
    [InlineData("orientation_7.jpg")]
    [InlineData("orientation_8.jpg")]
    public void Identify_RotatingOrientation_SwapsWidthAndHeight(string file)
    {
        var bytes = File.ReadAllBytes(Fixtures.PathOf("jpeg/" + file));

        var (format, width, height) = ImageDecoder.Identify(bytes);

        Assert.Equal((ImageFormat.Jpeg, 37, 61), (format, width, height));
    }

    [Fact]
    public void Decode_Orientation6_PutsStoredBottomLeftAtTopLeft()
    {
        var upright = ImageDecoder.Decode(File.ReadAllBytes(Fixtures.PathOf("jpeg/orientation_1.jpg")));

        var rotated = ImageDecoder.Decode(File.ReadAllBytes(Fixtures.PathOf("jpeg/orientation_6.jpg")));

        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(upright[upright.Height - 1, 0, c], rotated[0, 0, c]);
            Assert.Equal(upright[0, 0, c], rotated[0, rotated.Width - 1, c]);
        }
    }

    [Fact]
    public void Decode_ExtraneousBytesBeforeMarker_IsToleratedLikePil()
    {
        var original = File.ReadAllBytes(Fixtures.PathOf("jpeg/orientation_1.jpg"));
        int sos = original.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]);
        byte[] damaged = [.. original[..sos], 0x00, 0x11, 0x22, .. original[sos..]];

        var image = ImageDecoder.Decode(damaged);

        ImageAssert.Equal(image, 61, 37, ImageDecoder.Decode(original).Pixels);
    }
}
