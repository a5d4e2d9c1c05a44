using System.Text.Json;
using Explain.Imaging.Preprocessing;

namespace Explain.Imaging.Tests;

public class PreprocessSpecTests
{
    [Fact]
    public void FromModelJson_SharedModels_ReadsEveryField()
    {
        var path = Path.Combine(Fixtures.Shared, "models/mobilenet_v2/model.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));

        var spec = PreprocessSpec.FromModelJson(doc.RootElement);

        Assert.Equal((224, 224, ChannelOrder.Rgb, 256), (spec.InputHeight, spec.InputWidth, spec.ChannelOrder, spec.ResizeShorterTo));
        Assert.Equal(ResampleFilter.Bilinear, spec.Interpolation);
        Assert.Equal(1 / 255.0, spec.Scale, 15);
        Assert.Equal([0.5019607843137255, 0.5019607843137255, 0.5019607843137255], spec.Mean);
        Assert.Equal(spec.Mean, spec.Std);
    }

    [Fact]
    public void FromModelJson_AllSharedModels_Parse()
    {
        var files = Directory.GetFiles(Path.Combine(Fixtures.Shared, "models"), "model.json", SearchOption.AllDirectories);

        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var spec = PreprocessSpec.FromModelJson(doc.RootElement);
            Assert.True(spec.InputHeight > 0 && spec.ResizeShorterTo >= spec.InputHeight, file);
        }
    }

    [Fact]
    public void FromModelJson_OptionalFieldsAbsent_UsesTorchvisionDefaults()
    {
        using var doc = JsonDocument.Parse("""{"input":{"height":8,"width":6},"preprocess":{"resize_shorter_to":null}}""");

        var spec = PreprocessSpec.FromModelJson(doc.RootElement);

        Assert.Equal((ChannelOrder.Rgb, (int?)null, ResampleFilter.Bilinear), (spec.ChannelOrder, spec.ResizeShorterTo, spec.Interpolation));
        Assert.Equal([0.0, 0.0, 0.0], spec.Mean);
        Assert.Equal([1.0, 1.0, 1.0], spec.Std);
    }

    [Theory]
    [InlineData("""{"preprocess":{}}""", "missing 'input'")]
    [InlineData("""{"input":{"height":8,"width":8},"preprocess":{"center_crop":[7,8]}}""", "center_crop")]
    [InlineData("""{"input":{"height":8,"width":8},"preprocess":{"mean":[1,2]}}""", "mean")]
    [InlineData("""{"input":{"height":8,"width":8},"preprocess":{"std":[1,0,1]}}""", "std")]
    [InlineData("""{"input":{"height":8,"width":8},"preprocess":{"interpolation":"nearest"}}""", "nearest")]
    [InlineData("""{"input":{"height":8,"width":8,"channel_order":"RGBA"},"preprocess":{}}""", "RGBA")]
    [InlineData("""{"input":{"height":"8","width":8},"preprocess":{}}""", "wrong type")]
    public void FromModelJson_InvalidDocument_ThrowsFormatExceptionNamingTheField(string json, string mentioned)
    {
        using var doc = JsonDocument.Parse(json);

        var error = Assert.Throws<FormatException>(() => PreprocessSpec.FromModelJson(doc.RootElement));

        Assert.Contains(mentioned, error.Message);
    }
}
