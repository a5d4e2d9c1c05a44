using Explain.Imaging.Preprocessing;
using Explain.Imaging.Rendering;

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
