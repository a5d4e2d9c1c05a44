using Explain.Imaging.Preprocessing;

namespace Explain.Imaging.Tests;

/// <summary>Against torch.nn.functional.interpolate(mode="bilinear") in float32 (measured ≤ 3.6e-7).</summary>
public class MapResizeTests
{
    private const double Tolerance = 1e-6;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var entry in Fixtures.Entries("map_resize"))
        {
            data.Add(entry.GetProperty("expected").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bilinear_MatchesTorchInterpolate(string expectedFile)
    {
        var e = Fixtures.Entry("map_resize", "expected", expectedFile);
        var src = Fixtures.Floats(e, "src");
        int h = e.GetProperty("h").GetInt32(), w = e.GetProperty("w").GetInt32();
        int height = e.GetProperty("H").GetInt32(), width = e.GetProperty("W").GetInt32();

        var actual = e.GetProperty("align_corners").GetBoolean()
            ? MapResize.BilinearAlignCorners(src, h, w, height, width)
            : MapResize.Bilinear(src, h, w, height, width);

        Assert.InRange(ImageAssert.MaxAbsError(actual, Fixtures.Floats(e, "expected")), 0, Tolerance);
    }

    [Fact]
    public void Bilinear_ConstantMap_StaysConstant()
    {
        var src = Enumerable.Repeat(0.25f, 12).ToArray();

        var dst = MapResize.Bilinear(src, 3, 4, 17, 9);

        Assert.All(dst, v => Assert.Equal(0.25f, v));
    }

    [Fact]
    public void Bilinear_SizeMismatch_Throws() =>
        Assert.Throws<ArgumentException>(() => MapResize.Bilinear(new float[5], 2, 3, 4, 4));
}
