using System.Text.Json;
using Explain.Cam.Tests.Support;
using Explain.Engine.Tensors;
using Explain.Imaging;
using Explain.Imaging.Png;

namespace Explain.Cam.Tests.Cli;

/// <summary>`explain run` end to end (issue 3, "`explain run`"): the files of the contract, batches, tensors, and errors.</summary>
[Collection(CliCollection.Name)]
public sealed class RunCommandTests(CliRun run)
{
    private static readonly string[] Stems = ["gradcam-c243", "gradcam-c242", "guided-backprop-c243", "guided-backprop-c242"];

    [Fact]
    public void Run_ImageWithTwoMethods_WritesMapsAtInputAndLayerResolution()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());

        var map = Npy.Read(run.File("gradcam-c243.npy"));
        var raw = Npy.Read(run.File("gradcam-c243.raw.npy"));

        Assert.Equal(DataType.Float32, map.Type);
        Assert.Equal(new[] { 224, 224 }, map.Shape);
        Assert.InRange(map.Floats.Min(), 0f, 1f);
        Assert.InRange(map.Floats.Max(), 0.99f, 1f);
        Assert.Equal(DataType.Float32, raw.Type);
        Assert.Equal(new[] { 7, 7 }, raw.Shape);
        Assert.Equal(new[] { 3, 224, 224 }, Npy.Read(run.File("guided-backprop-c242.npy")).Shape);
        Assert.Equal(new[] { 3, 224, 224 }, Npy.Read(run.File("guided-backprop-c242.raw.npy")).Shape);
    }

    [Fact]
    public void Run_ImageWithTwoMethods_WritesOverlaysAtOriginalSize()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        var original = ImageDecoder.DecodeFile(BothScene.ImagePath);

        foreach (var stem in Stems)
        {
            var overlay = ImageDecoder.DecodeFile(run.File(stem + ".png"));
            if (stem.StartsWith("guided", StringComparison.Ordinal))
                Assert.Equal((224, 224), (overlay.Width, overlay.Height)); // a guided map is a picture at input resolution
            else
                Assert.Equal((original.Width, original.Height), (overlay.Width, overlay.Height));
        }
    }

    [Fact]
    public void Run_ImageWithTwoMethods_WritesResultJsonWithPredictionsLayerTimingsVersions()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());

        using var doc = JsonDocument.Parse(File.ReadAllText(run.File("result.json")));
        var root = doc.RootElement;

        var predictions = root.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(243, predictions[0].GetProperty("class").GetInt32());
        Assert.Equal("bull mastiff", predictions[0].GetProperty("label").GetString());
        Assert.Equal(242, predictions[1].GetProperty("class").GetInt32());
        Assert.Equal("boxer", predictions[1].GetProperty("label").GetString());
        Assert.InRange(predictions[0].GetProperty("probability").GetDouble(), 0.49, 0.53);
        Assert.Equal(["MobilenetV2/Conv_1/Relu6"], root.GetProperty("layers").EnumerateArray().Select(l => l.GetString()));
        var timings = root.GetProperty("timings_ms");
        foreach (var stage in new[] { "decode_preprocess", "forward", "backward", "gradcam", "guided", "render" })
            Assert.True(timings.TryGetProperty(stage, out var ms) && ms.GetDouble() >= 0, $"timings_ms.{stage} missing in {timings}");
        var versions = root.GetProperty("versions");
        foreach (var key in new[] { "explain", "dotnet", "onnx_opset", "model_producer" })
            Assert.False(string.IsNullOrEmpty(versions.GetProperty(key).GetString()), $"versions.{key} empty");
        var maps = root.GetProperty("maps").EnumerateArray().Select(m => m.GetProperty("overlay").GetString()).Order().ToList();
        Assert.Equal(Stems.Select(s => s + ".png").Order(), maps);
    }

    [Fact]
    public void Run_ImageWithTwoMethods_IndexReferencesEveryOverlay()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());

        string html = File.ReadAllText(run.File("index.html"));

        Assert.Contains("src=\"input.png\"", html);
        foreach (var stem in Stems)
            Assert.Contains($"src=\"{stem}.png\"", html);
        Assert.Contains("bull mastiff", html);
        Assert.Contains("boxer", html);
    }

    [Fact]
    public void Run_Folder_WritesOneSubfolderPerImageAtItsOriginalSize()
    {
        using var temp = new TempDirectory("explain-folder");
        string images = temp.File("images"), outDir = temp.File("out");
        Directory.CreateDirectory(images);
        File.Copy(BothScene.ImagePath, Path.Combine(images, "both.png"));
        File.Copy(RepoPaths.Require(Path.Combine(RepoPaths.Images, "dog_cat.jfif")), Path.Combine(images, "dog_cat.jfif"));

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", images, "--method", "gradcam", "--out", outDir);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["both", "dog_cat"], Directory.GetDirectories(outDir).Select(Path.GetFileName).Order());
        foreach (var (stem, width, height) in new[] { ("both", 224, 224), ("dog_cat", 284, 177) })
        {
            string dir = Path.Combine(outDir, stem);
            Assert.True(File.Exists(Path.Combine(dir, "result.json")), $"{dir}/result.json missing");
            Assert.True(File.Exists(Path.Combine(dir, "index.html")), $"{dir}/index.html missing");
            var overlay = Directory.GetFiles(dir, "gradcam-c*.png").Single();
            var image = ImageDecoder.DecodeFile(overlay);
            Assert.Equal((width, height), (image.Width, image.Height));
        }
    }

    [Fact]
    public void Run_FolderWithTwoImagesOfOneStem_KeepsBothOrRefuses()
    {
        // pet.png and pet.jfif both map to DIR/pet/: the second must not silently overwrite the first.
        using var temp = new TempDirectory("explain-stems");
        string images = temp.File("images"), outDir = temp.File("out");
        Directory.CreateDirectory(images);
        File.Copy(BothScene.ImagePath, Path.Combine(images, "pet.png"));
        File.Copy(RepoPaths.Require(Path.Combine(RepoPaths.Images, "dog_cat.jfif")), Path.Combine(images, "pet.jfif"));

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", images, "--method", "gradcam", "--out", outDir);

        int results = Directory.Exists(outDir) ? Directory.GetFiles(outDir, "result.json", SearchOption.AllDirectories).Length : 0;
        bool refused = result.ExitCode != 0 && result.Stderr.Contains("pet", StringComparison.Ordinal);
        Assert.True(refused || results == 2, $"two inputs, {results} result.json written; {result}");
    }

    [Fact]
    public void Run_UnknownLayer_FailsNamingTheLayer()
    {
        using var temp = new TempDirectory("explain-layer");

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", BothScene.ImagePath, "--layer", "no/such/layer", "--out", temp.File("out"));

        AssertCleanFailure(result, "no/such/layer");
    }

    [Fact]
    public void Run_InputNpy_GivesTheImageRunsMap()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        using var temp = new TempDirectory("explain-npy");
        Npy.Write(temp.File("both.npy"), BothScene.Input().Tensor);

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--input-npy", temp.File("both.npy"), "--method", "gradcam", "--class", "243", "--out", temp.File("out"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Npy.Read(run.File("gradcam-c243.npy")).Floats, Npy.Read(Path.Combine(temp.File("out"), "gradcam-c243.npy")).Floats);
        Assert.Equal(Npy.Read(run.File("gradcam-c243.raw.npy")).Floats, Npy.Read(Path.Combine(temp.File("out"), "gradcam-c243.raw.npy")).Floats);
        Assert.True(File.Exists(Path.Combine(temp.File("out"), "gradcam-c243.png")));
    }

    [Fact]
    public void Run_MissingImage_FailsNamingTheFile()
    {
        using var temp = new TempDirectory("explain-missing");

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", temp.File("nope.png"), "--out", temp.File("out"));

        AssertCleanFailure(result, "nope.png");
    }

    [Theory]
    [InlineData("garbage.png", "this is not an image")]
    [InlineData("truncated.png", null)]
    public void Run_CorruptImage_FailsWithImageError(string name, string? content)
    {
        using var temp = new TempDirectory("explain-corrupt");
        string path = temp.File(name);
        if (content is null)
            File.WriteAllBytes(path, File.ReadAllBytes(BothScene.ImagePath)[..200]);
        else
            File.WriteAllText(path, content);

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", path, "--out", temp.File("out"));

        AssertCleanFailure(result, "error");
        Assert.False(File.Exists(Path.Combine(temp.File("out"), "result.json")));
    }

    [Fact]
    public void Run_UnknownMethod_FailsNamingKnownMethods()
    {
        using var temp = new TempDirectory("explain-method");

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", BothScene.ImagePath, "--method", "gradcam,gradkam", "--out", temp.File("out"));

        AssertCleanFailure(result, "gradkam");
        Assert.Contains("gradcam++", result.Stderr);
    }

    [Theory]
    [InlineData(65535, 1)] // overflowed in the preprocessing (issue 12)
    [InlineData(1, 5000)] // resized to a 0.9 GB intermediate before the crop (issue 12)
    public void Run_ExtremeAspectRatioPng_FailsWithTheLimit(int width, int height)
    {
        using var temp = new TempDirectory("explain-aspect");
        string path = temp.File("strip.png");
        File.WriteAllBytes(path, PngEncoder.Encode(RgbImage.Blank(width, height)));

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", path, "--out", temp.File("out"));

        AssertCleanFailure(result, "aspect ratio");
    }

    /// <summary>A failure users can act on: non-zero exit, the cause on stderr, no stack trace.</summary>
    private static void AssertCleanFailure(ProcessResult result, string mention)
    {
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains(mention, result.Stderr);
        Assert.DoesNotContain("Unhandled exception", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
