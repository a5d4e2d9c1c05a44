using System.Text.Json;
using Explain.Cam.Tests.Support;
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
}
