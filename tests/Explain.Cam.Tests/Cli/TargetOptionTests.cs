using System.Text.Json;
using Explain.Cam.Tests.Support;
using Explain.Testing;
using Explain.Engine.Tensors;

namespace Explain.Cam.Tests.Cli;

/// <summary>`explain run --target`: target objects from the command line, one map per target, and clear errors.</summary>
public sealed class TargetOptionTests
{
    [Fact]
    public void Run_SoftmaxRestSumAndLabels_OneMapEachNamedByTarget()
    {
        using var temp = new TempDirectory("explain-targets");
        string dir = temp.File("out");
        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", BothScene.ImagePath, "--method", "gradcam",
            "--target", "softmax:243", "--target", "rest:243;sum", "--target", "labels:243,281", "--out", dir);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        var targets = doc.RootElement.GetProperty("maps").EnumerateArray().Select(m => m.GetProperty("target").GetString()).ToList();
        Assert.Equal(["c243-softmax", "c243-rest", "sum", "labels-243+281"], targets);
        var softmax = Npy.Read(Path.Combine(dir, "gradcam-c243-softmax.raw.npy")).Floats;
        var rest = Npy.Read(Path.Combine(dir, "gradcam-c243-rest.raw.npy")).Floats;
        Assert.NotEqual(softmax, rest);
    }

    [Theory]
    [InlineData("binary:positive", "one score output")]
    [InlineData("softmax:5000", "outside the model's 1000 classes")]
    [InlineData("softmax", "is not one of")]
    [InlineData("labels:3,3", "each class once")]
    public void Run_BadTarget_FailsWithTheRule(string target, string message)
    {
        using var temp = new TempDirectory("explain-targets");
        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", BothScene.ImagePath, "--target", target, "--out", temp.File("out"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.ToString());
    }

    /// <summary>Issue 14 part 5: result.json says what each target resolved to; a segmentation box writes its mask.</summary>
    [Fact]
    public void Run_SegmentBox_ResultJsonCarriesTheTargetRegionAndTheMask()
    {
        using var temp = new TempDirectory("explain-target-region");
        File.WriteAllBytes(temp.File("model.onnx"), TinyOnnx.Segmenter());
        File.WriteAllText(temp.File("model.json"), """
            {"name": "tiny-seg", "input": {"name": "x", "height": 16, "width": 16}, "preprocess": {"resize_shorter_to": null}, "outputs": {"scores": "seg"},
             "task": {"kind": "segmentation", "output": "seg"}, "default_target_layer": "feat"}
            """);
        Npy.Write(temp.File("x.npy"), Tensor.FromArray(Enumerable.Range(0, 768).Select(i => MathF.Sin(i)).ToArray(), 1, 3, 16, 16));
        string dir = temp.File("out");

        var result = ExplainCli.Run("run", "--model", temp.File("model.onnx"), "--input-npy", temp.File("x.npy"), "--method", "gradcam",
            "--target", "segment:1:box=3,4,11,12", "--out", dir);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        var region = doc.RootElement.GetProperty("maps")[0].GetProperty("target_region");
        Assert.Equal(("mask", 64), (region.GetProperty("kind").GetString(), region.GetProperty("pixels").GetInt32()));
        var mask = Imaging.ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(dir, region.GetProperty("mask").GetString()!)));
        Assert.Equal(64, Enumerable.Range(0, 256).Count(q => mask.Pixels[3 * q] == 255));
        Assert.Contains("summed over 64 pixels", File.ReadAllText(Path.Combine(dir, "index.html")));
    }

    /// <summary>`--target similar:IMAGE`: a map on each picture, written as a pair with the reference picture beside them.</summary>
    [Fact]
    public void Run_SimilarImage_WritesThePair()
    {
        using var temp = new TempDirectory("explain-pair");
        string dir = temp.File("out");
        string reference = RepoPaths.Require(Path.Combine(RepoPaths.Images, "horses.jpg"));

        var result = ExplainCli.Run("run", "--model", "mobilenet_v1_0.25_128", "--image", Path.Combine(RepoPaths.Images, "both.png"), "--method", "gradcam",
            "--target", $"similar:{reference}", "--out", dir);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        var maps = doc.RootElement.GetProperty("maps").EnumerateArray().ToList();
        Assert.Equal(["similarity-image", "similarity-image@reference"], maps.Select(m => m.GetProperty("target").GetString()));
        Assert.Equal(["image", "request_image"], maps.Select(m => m.GetProperty("target_region").GetProperty("reference").GetString()));
        Assert.Equal(["input.png", "reference.png"], maps.Select(m => m.GetProperty("target_region").GetProperty("image").GetString()));
        Assert.Equal("reference.png", doc.RootElement.GetProperty("reference_input").GetString());
        var pair = Assert.Single(doc.RootElement.GetProperty("pairs").EnumerateArray());
        Assert.Equal(maps[1].GetProperty("overlay").GetString(), pair.GetProperty("reference").GetString());
        Assert.True(File.Exists(Path.Combine(dir, "reference.png")));
    }
}
