using System.CommandLine;
using Explain.Cli.Parsing;
using Explain.Cli.Tests.Support;

namespace Explain.Cli.Tests;

/// <summary>
/// Issue 13: the attribution methods' parameters on the command line (--ig-steps, --ig-baseline,
/// --smoothgrad-samples, --smoothgrad-noise, --shapley-score): a value changes the map, a bad value
/// is a usage error naming the option before the model loads, and `submit` carries them in MethodParameters.
/// </summary>
public sealed class AttributionOptionTests
{
    private static readonly string Both = RepoPaths.Image("both.png");

    [Theory]
    [InlineData("--ig-steps", "0", "explain run: --ig-steps: '0' is not a whole number from 1 to 256.")]
    [InlineData("--ig-steps", "257", "explain run: --ig-steps: '257' is not a whole number from 1 to 256.")]
    [InlineData("--smoothgrad-samples", "1000", "explain run: --smoothgrad-samples: '1000' is not a whole number from 1 to 256.")]
    [InlineData("--smoothgrad-noise", "0", "explain run: --smoothgrad-noise: '0' is not a fraction in (0, 1] (e.g. --smoothgrad-noise 0.15).")]
    [InlineData("--smoothgrad-noise", "1.5", "explain run: --smoothgrad-noise: '1.5' is not a fraction in (0, 1] (e.g. --smoothgrad-noise 0.15).")]
    [InlineData("--ig-baseline", "blurr", "explain run: --ig-baseline: unknown value 'blurr'. Did you mean 'blur'? Known: zero, blur, uniform.")]
    [InlineData("--dff-concepts", "33", "explain run: --dff-concepts: '33' is not a whole number from 1 to 32.")]
    [InlineData("--shapley-score", "logits", "explain run: --shapley-score: unknown value 'logits'. Did you mean 'logit'? Known: rest, logit.")]
    public void Run_BadValue_IsAUsageErrorNamingTheOption(string option, string value, string expected)
    {
        using var temp = new TempDirectory("cli-attribution-bad");

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", Both, "--method", "smoothgrad", option, value, "--out", temp.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.False(File.Exists(temp.File("result.json")));
    }

    [Theory]
    [InlineData("smoothgrad", "--smoothgrad-noise", "0.05", "0.6")]
    [InlineData("smoothgrad", "--smoothgrad-samples", "1", "3")]
    [InlineData("integrated-gradients", "--ig-baseline", "zero", "blur")]
    [InlineData("integrated-gradients", "--ig-steps", "1", "8")]
    [InlineData("shapleycam", "--shapley-score", "rest", "logit")]
    [InlineData("dff", "--dff-iterations", "1", "50")]
    public void Run_Flag_ChangesTheMap(string method, string option, string a, string b)
    {
        using var temp = new TempDirectory("cli-attribution-map");

        var first = RunMap(temp.File("a"), method, option, a);
        var again = RunMap(temp.File("a2"), method, option, a);
        var second = RunMap(temp.File("b"), method, option, b);

        Assert.Equal(first, again);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Submit_Flags_ReachMethodParameters()
    {
        var options = new AttributionCliOptions();
        var command = new Command("submit");
        options.AddTo(command);
        var parsed = command.Parse(["--ig-steps", "7", "--ig-baseline", "uniform", "--smoothgrad-samples", "9", "--smoothgrad-noise", "0.3", "--shapley-score", "logit", "--dff-concepts", "3", "--dff-iterations", "40", "--dff-top-classes", "4"]);
        var parameters = new V1.MethodParameters();

        options.ApplyTo(parameters, parsed);

        Assert.Empty(parsed.Errors);
        Assert.Equal(7u, parameters.IntegratedGradientsSteps);
        Assert.Equal(V1.IntegratedGradientsBaseline.Uniform, parameters.IntegratedGradientsBaseline);
        Assert.Equal(9u, parameters.SmoothgradSamples);
        Assert.Equal(0.3f, parameters.SmoothgradNoise);
        Assert.Equal(V1.ShapleyScore.Logit, parameters.ShapleyScore);
        Assert.Equal((3u, 40u, 4u), (parameters.DffConcepts, parameters.DffIterations, parameters.DffTopClasses));
    }

    [Fact]
    public void Submit_BadValue_IsAUsageError()
    {
        var result = ExplainCli.Run("submit", "--model", "mobilenet_v2", "--image", Both, "--smoothgrad-noise", "-1", "--out", "x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--smoothgrad-noise: '-1' is not a fraction in (0, 1]", result.Stderr);
    }

    /// <summary>The raw map's bytes (the .raw.npy at the layer's resolution, before normalization) of one run on resnet8_cifar10.</summary>
    private static byte[] RunMap(string dir, string method, string option, string value)
    {
        string[] fewSamples = option == "--smoothgrad-samples" ? [] : ["--smoothgrad-samples", "2"];
        var result = ExplainCli.Run(["run", "--model", "resnet8_cifar10", "--image", Both, "--method", method, "--class", "3",
            .. fewSamples, option, value, "--seed", "5", "--threads", "1", "--out", dir]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return File.ReadAllBytes(Path.Combine(dir, method == "dff" ? "dff-concept-1.raw.npy" : $"{method}-c3.raw.npy"));
    }
}
