using Explain.Cli.Tests.Support;

namespace Explain.Cli.Tests;

/// <summary>
/// Issue 15 §1: every error of the issue, with its exact message and exit code (2 = usage, nothing
/// ran; 1 = runtime). Usage errors come from parsing, before any model loads: nothing is on stdout.
/// </summary>
public sealed class ErrorTests
{
    private static readonly string Both = RepoPaths.Image("both.png");
    private const string Methods = "Known: gradcam, gradcam++, xgradcam, hirescam, layercam, gradcam-elementwise, eigencam, eigengradcam, segeigencam, scorecam, ablationcam, integrated-gradcam, groupcam, smoothgradcam++, sscam, iscam, guided-backprop, guided-gradcam, saliency, inputxgradient, integrated-gradients, smoothgrad, smoothgrad-squared, vargrad, fullgrad, shapleycam, cam, randomcam, sobel, occlusion, rise, finercam, kpcacam, fem, refinecam, dff.";

    [Fact]
    public void UnknownCommand_SuggestsTheNearest()
    {
        var result = ExplainCli.Run("serv");

        AssertUsage(result, "explain: unknown command 'serv'. Did you mean 'serve'? Commands: run, infer, layers, models, import, serve, submit, keys, completion.", "explain");
    }

    [Fact]
    public void MisspelledMethod_NamesTheOptionAndSuggests_BeforeTheModelLoads()
    {
        using var temp = new TempDirectory("cli-method");

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", Both, "--method", "gradcam,gradcam+", "--out", temp.Path);

        AssertUsage(result, $"explain run: --method: unknown method 'gradcam+'. Did you mean 'gradcam++' or 'gradcam'? {Methods}", "explain run");
    }

    [Theory]
    [InlineData("--rise-probability", "1", "explain run: --rise-probability: rise_probability 1 is outside (0, 1)")]
    [InlineData("--occlusion-stride", "20", "explain run: --occlusion-stride: occlusion_stride 20 is outside 1..occlusion_window (15): Captum's windows leave no pixel uncovered")]
    [InlineData("--sscam-samples", "300", "explain run: --sscam-samples: sscam_samples 300 is outside 1..256")]
    public void PerturbationParameterOutOfRange_NamesTheOption_BeforeTheModelLoads(string option, string value, string expected)
    {
        using var temp = new TempDirectory("cli-perturbation");

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", Both, "--method", "rise", option, value, "--out", temp.Path);

        AssertUsage(result, expected, "explain run");
    }

    [Fact]
    public void ClassBeyondTheLabels_NamesTheRange()
    {
        using var temp = new TempDirectory("cli-class");

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", Both, "--class", "5000", "--out", temp.Path);

        AssertUsage(result, "explain run: --class 5000: model mobilenet_v2 has 1000 classes (0–999); `explain infer --model mobilenet_v2 --image F` shows the likely ones.", "explain run");
    }

    [Theory]
    [InlineData("viridis", "explain run: --colormap: unknown colormap 'viridis'. Known: jet, turbo.")]
    [InlineData("turbp", "explain run: --colormap: unknown colormap 'turbp'. Did you mean 'turbo'? Known: jet, turbo.")]
    public void UnknownColormap_NamesTheOption(string colormap, string expected)
    {
        using var temp = new TempDirectory("cli-colormap");

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", Both, "--colormap", colormap, "--out", temp.Path);

        AssertUsage(result, expected, "explain run");
    }

    [Theory]
    [InlineData("--finercam-alpha", "11", "explain run: --finercam-alpha: '11' is not a number from 0 to 10.")]
    [InlineData("--fem-k", "12", "explain run: --fem-k: '12' is not a number from 0 to 10.")]
    [InlineData("--kpca-gamma", "NaN", "explain run: --kpca-gamma: 'NaN' is not a finite number >= 0.")]
    [InlineData("--finercam-comparisons", "0", "explain run: --finercam-comparisons: '0' is not a positive whole number.")]
    [InlineData("--kpca-kernel", "rbg", "explain run: --kpca-kernel: unknown value 'rbg'. Did you mean 'rbf'? Known: sigmoid, rbf, poly, linear, cosine.")]
    public void CamVariantOptionOutOfRange_NamesTheOption(string option, string value, string expected)
    {
        using var temp = new TempDirectory("cli-camvariant");

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", Both, "--method", "finercam", option, value, "--out", temp.Path);

        AssertUsage(result, expected, "explain run");
    }

    [Fact]
    public void SeveralMistakes_AllReportedAtOnce()
    {
        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", Both, "--method", "gradkam", "--class", "5000", "--colormap", "viridis");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--method: unknown method 'gradkam'. Did you mean 'gradcam'", result.Stderr);
        Assert.Contains("--class 5000:", result.Stderr);
        Assert.Contains("--colormap: unknown colormap 'viridis'", result.Stderr);
        Assert.Contains("Option '--out' is required.", result.Stderr);
    }

    [Fact]
    public void UnknownModel_SuggestsStoreNames()
    {
        var result = ExplainCli.Run("run", "--model", "mobilenet_v3", "--image", Both, "--out", "x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"explain run: --model: no model 'mobilenet_v3' in the model store {RepoPaths.ModelStore}. Did you mean 'mobilenet_v2'?", result.Stderr);
        Assert.Contains("(have: mobilenet_v1_0.25_128, mobilenet_v1_0.5_160, mobilenet_v2, resnet8_cifar10;", result.Stderr);
    }

    [Fact]
    public void MisspelledOption_SuggestsTheOption()
    {
        var result = ExplainCli.Run("run", "--modle", "mobilenet_v2", "--image", Both, "--out", "x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("explain run: unknown option '--modle'. Did you mean '--model'?", result.Stderr);
    }

    [Fact]
    public void MissingImage_NamesTheFile()
    {
        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", "/nonexistent/nope.png", "--out", "x");

        AssertUsage(result, "explain run: --image: '/nonexistent/nope.png' not found.", "explain run");
    }

    [Fact]
    public void NoInput_SaysWhatToGive()
    {
        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--out", "x");

        AssertUsage(result, "explain run: give --image FILE|DIR or --input-npy FILE|DIR (or both).", "explain run");
    }

    [Theory]
    [InlineData("--top-k", "0", "explain run: --top-k: '0' is not a positive whole number.")]
    [InlineData("--class", "dog", "explain run: --class: 'dog' is not a class index (a whole number ≥ 0, e.g. --class 243,281).")]
    public void BadNumbers_NameTheOption(string option, string value, string expected)
    {
        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", Both, option, value, "--out", "x");

        AssertUsage(result, expected, "explain run");
    }

    [Fact]
    public void SubmitServerWithoutScheme_IsTakenAsHttp()
    {
        // Port 1 refuses: the address was accepted (no "Invalid URI"), the call failed at run time.
        using var temp = new TempDirectory("cli-server");

        var result = ExplainCli.Run("submit", "--server", "127.0.0.1:1", "--model", "mobilenet_v2", "--image", Both, "--out", temp.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("explain submit: Unavailable:", result.Stderr);
        Assert.Contains("127.0.0.1:1", result.Stderr);
        AssertNoDotNetLeaks(result);
    }

    [Fact]
    public void SubmitBadServer_NamesTheOption()
    {
        var result = ExplainCli.Run("submit", "--server", "ftp://host", "--model", "m", "--image", Both, "--out", "x");

        AssertUsage(result, "explain submit: --server: 'ftp://host' is not a server address like http://127.0.0.1:50051 (or 127.0.0.1:50051).", "explain submit");
    }

    [Fact]
    public void SubmitFolder_IsAcceptedLikeRun()
    {
        // The issue: `submit --image <folder>` crashed with a stack trace. Parsing accepts it; the refused connection is a runtime error.
        using var temp = new TempDirectory("cli-submit-folder");

        var result = ExplainCli.Run("submit", "--server", "127.0.0.1:1", "--model", "mobilenet_v2", "--image", RepoPaths.Images, "--out", temp.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Unavailable", result.Stderr);
        AssertNoDotNetLeaks(result);
    }

    [Fact]
    public void CorruptImage_IsARuntimeError()
    {
        using var temp = new TempDirectory("cli-corrupt");
        File.WriteAllText(temp.File("bad.png"), "this is not an image");

        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", temp.File("bad.png"), "--out", temp.File("out"));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("explain run: error: ", result.Stderr.Split('\n').First(l => l.StartsWith("explain", StringComparison.Ordinal)));
        AssertNoDotNetLeaks(result);
    }

    [Fact]
    public void UnknownLayer_IsARuntimeErrorNamingTheLayer()
    {
        using var temp = new TempDirectory("cli-layer");

        var result = ExplainCli.Run("run", "--model", "resnet8_cifar10", "--image", Both, "--layer", "no/such/layer", "--out", temp.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no/such/layer", result.Stderr);
        AssertNoDotNetLeaks(result);
    }

    [Fact]
    public void CompletionUnknownShell_ListsTheShells()
    {
        var result = ExplainCli.Run("completion", "fish");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'fish'", result.Stderr);
        Assert.Contains("bash", result.Stderr);
    }

    [Fact]
    public void Serve_AdmissionBoundNotANumber_IsAUsageErrorNamingTheOption()
    {
        var result = ExplainCli.Run("serve", "--port", "0", "--max-job-gflop", "lots");

        AssertUsage(result, "explain serve: --max-job-gflop takes a positive number, not 'lots'", "explain serve");
    }

    [Fact]
    public void Serve_BurstBelowTheJobMaximum_IsAUsageError()
    {
        var result = ExplainCli.Run("serve", "--port", "0", "--max-job-gflop", "50", "--tenant-burst-gflop", "10");

        AssertUsage(result, "explain serve: the tenant burst (10 GFLOP) must be at least the per-job maximum (50 GFLOP)", "explain serve");
    }

    private static void AssertUsage(CliResult result, string expectedLine, string command)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(expectedLine, lines);
        Assert.Equal($"Run '{command} --help' for usage.", lines[^1]);
        Assert.Equal("", result.Stdout); // nothing ran, no model loaded
        AssertNoDotNetLeaks(result);
    }

    private static void AssertNoDotNetLeaks(CliResult result)
    {
        Assert.DoesNotContain("(Parameter '", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.DoesNotContain("Exception", result.Stderr);
        Assert.DoesNotContain("Invalid URI", result.Stderr);
    }
}
