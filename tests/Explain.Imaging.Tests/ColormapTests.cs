using Explain.Imaging.Rendering;

namespace Explain.Imaging.Tests;

/// <summary>Byte-exact against cv2.applyColorMap on the ramp 0..255 (OpenCV 4.6).</summary>
public class ColormapTests
{
    [Theory]
    [InlineData("jet")]
    [InlineData("turbo")]
    public void Lookup_MatchesOpenCvApplyColorMap(string name)
    {
        var expected = File.ReadAllBytes(Fixtures.PathOf(Fixtures.Manifest.GetProperty("colormap").GetProperty(name).GetString()!));
        var ramp = Enumerable.Range(0, 256).Select(i => i / 255f + 1e-4f).ToArray();

        var image = Colormap.FromName(name).Apply(ramp, 1, 256);

        ImageAssert.Equal(image, 256, 1, expected);
    }

    [Fact]
    public void Jet_Endpoints_AreDarkBlueAndDarkRed()
    {
        Assert.Equal(((byte)0, (byte)0, (byte)128), Colormap.Jet[0]);
        Assert.Equal(((byte)128, (byte)0, (byte)0), Colormap.Jet[255]);
    }

    [Theory]
    [InlineData(0f, 0)]
    [InlineData(1f, 255)]
    [InlineData(0.5f, 127)]  // uint8(127.5) truncates, as NumPy does
    [InlineData(-3f, 0)]
    [InlineData(7f, 255)]
    [InlineData(float.NaN, 0)]
    public void IndexOf_TruncatesAndClamps(float value, int index) => Assert.Equal(index, Colormap.IndexOf(value));

    [Fact]
    public void FromName_Unknown_Throws() => Assert.Throws<ArgumentException>(() => Colormap.FromName("viridis"));
}
