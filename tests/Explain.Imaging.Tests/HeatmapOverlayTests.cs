using Explain.Imaging.Preprocessing;
using Explain.Imaging.Rendering;
using Explain.Imaging.Tests.Reference;

namespace Explain.Imaging.Tests;

/// <summary>Against pytorch-grad-cam's show_cam_on_image formula evaluated with NumPy/OpenCV.</summary>
public class HeatmapOverlayTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var entry in Fixtures.Entries("overlay"))
        {
            data.Add(entry.GetProperty("expected").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_FullResolutionMask_MatchesShowCamOnImage(string expectedFile)
    {
        var (e, image, colormap, weight) = Load(expectedFile);
        var mask = Fixtures.Floats(e, "map_full");

        var overlay = HeatmapOverlay.Render(image, mask, image.Height, image.Width, colormap, weight);

        // Measured: identical bytes. One level allows a float32 sum evaluated in another order.
        Assert.InRange(ImageAssert.MaxDifference(overlay.Pixels, Fixtures.Bytes(e, "expected")), 0, 1);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_SmallMapResampledInside_MatchesCv2ResizeThenShowCam(string expectedFile)
    {
        var (e, image, colormap, weight) = Load(expectedFile);

        var overlay = HeatmapOverlay.Render(image, Fixtures.Floats(e, "map_small"), 7, 7, colormap, weight);

        // Resampling in double instead of OpenCV's float can move a value across a table entry:
        // measured max 3 levels on a handful of pixels, mean < 0.0001.
        Assert.InRange(ImageAssert.MeanDifference(overlay.Pixels, Fixtures.Bytes(e, "expected")), 0, 0.05);
        Assert.InRange(ImageAssert.MaxDifference(overlay.Pixels, Fixtures.Bytes(e, "expected")), 0, 4);
    }

    [Theory]
    [InlineData(224, 224, 224, 224, 0.5f, "jet")]
    [InlineData(37, 23, 7, 7, 0.3f, "turbo")]
    [InlineData(425, 280, 224, 224, 0.5f, "jet")]
    [InlineData(1, 1, 3, 2, 1f, "jet")]
    [InlineData(9, 301, 14, 14, 0f, "turbo")]
    public void Render_RandomImageAndMap_BitIdenticalToScalarReference(int width, int height, int mapHeight, int mapWidth,
        float weight, string colormapName)
    {
        var random = new Random(width * 31 + height);
        var pixels = new byte[width * height * 3];
        random.NextBytes(pixels);
        var map = Enumerable.Range(0, mapHeight * mapWidth).Select(_ => random.NextSingle() * 1.2f - 0.1f).ToArray();
        map[0] = float.NaN;
        var image = new RgbImage(width, height, pixels);
        var colormap = Colormap.FromName(colormapName);
        var footprints = new[]
        {
            CropFootprint.Full(width, height),
            new CropFootprint(width * 0.13, height * 0.07, width * 0.91, height * 1.05),
        };

        foreach (var footprint in footprints)
        {
            var expected = ScalarOverlay.Render(image, map, mapHeight, mapWidth, footprint, colormap, weight);

            var overlay = HeatmapOverlay.Render(image, map, mapHeight, mapWidth, footprint, colormap, weight);

            Assert.Equal(expected, overlay.Pixels);
        }
    }

    [Fact]
    public void Render_BlackImageWithoutHeat_IsBlack()
    {
        var image = RgbImage.Blank(5, 3);
        var footprint = new CropFootprint(10, 10, 20, 20); // covers no pixel

        var overlay = HeatmapOverlay.Render(image, [1f], 1, 1, footprint, Colormap.Jet, 0.5f);

        Assert.Equal(ScalarOverlay.Render(image, [1f], 1, 1, footprint, Colormap.Jet, 0.5f), overlay.Pixels);
        Assert.All(overlay.Pixels, p => Assert.Equal(0, p));
    }

    [Fact]
    public void Render_CropFootprint_LeavesUnseenColumnsWithoutHeat()
    {
        var image = new RgbImage(10, 4, Enumerable.Repeat((byte)200, 120).ToArray());
        var footprint = new CropFootprint(2, 0, 8, 4);
        var hot = Enumerable.Repeat(1f, 4).ToArray();

        var overlay = HeatmapOverlay.Render(image, hot, 2, 2, footprint, Colormap.Jet, 0.5f);

        Assert.Equal(overlay[0, 0, 2], overlay[0, 9, 2]);
        Assert.NotEqual(overlay[0, 0, 0], overlay[0, 5, 0]);
        Assert.Equal((byte)255, overlay[0, 5, 0]); // dark red heat (128) + grey is the maximum, rescaled to 255
    }

    [Fact]
    public void Render_WithSpec_KeepsOriginalSizeAndHeatsOnlyTheCroppedRegion()
    {
        var image = new RgbImage(284, 177, Enumerable.Repeat((byte)100, 284 * 177 * 3).ToArray());
        var spec = new PreprocessSpec(224, 224, ChannelOrder.Rgb, 256, ResampleFilter.Bilinear, 1 / 255.0, [0, 0, 0], [1, 1, 1]);
        var map = Enumerable.Repeat(1f, 224 * 224).ToArray();

        var overlay = HeatmapOverlay.Render(image, map, spec, Colormap.Jet);

        Assert.Equal((284, 177), (overlay.Width, overlay.Height));
        Assert.Equal(overlay[88, 0, 0], overlay[88, 63, 0]);       // left of the crop (starts at x ≈ 64.4)
        Assert.Equal((byte)255, overlay[88, 65, 0]);                // inside: dark red heat, the maximum
        Assert.Equal(overlay[88, 0, 0], overlay[88, 283 - 63, 0]);  // right of the crop, symmetric
    }

    [Fact]
    public void CropFootprint_For_MapsCenterCropBackToOriginalPixels()
    {
        var spec = new PreprocessSpec(224, 224, ChannelOrder.Rgb, 256, ResampleFilter.Bilinear, 1 / 255.0, [0, 0, 0], [1, 1, 1]);

        var footprint = CropFootprint.For(284, 177, spec); // resized to 410×256, crop at (93, 16)

        Assert.Equal(93 * 284 / 410.0, footprint.Left, 9);
        Assert.Equal(16 * 177 / 256.0, footprint.Top, 9);
        Assert.Equal(224 * 284 / 410.0, footprint.Width, 9);
        Assert.Equal(224 * 177 / 256.0, footprint.Height, 9);
    }

    private static (System.Text.Json.JsonElement Entry, RgbImage Image, Colormap Colormap, float Weight) Load(string expectedFile)
    {
        var e = Fixtures.Entry("overlay", "expected", expectedFile);
        var image = new RgbImage(e.GetProperty("width").GetInt32(), e.GetProperty("height").GetInt32(), Fixtures.Bytes(e, "image"));
        return (e, image, Colormap.FromName(e.GetProperty("colormap").GetString()!), e.GetProperty("image_weight").GetSingle());
    }
}
