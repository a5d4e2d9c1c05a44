using Explain.Cli.Tests.Support;

namespace Explain.Cli.Tests;

/// <summary>
/// --backend, --device, --threads and --reshape (issue 11): bad values are usage errors before any model
/// loads, naming the option and the nearest valid value; infer and layers run on the backend chosen.
/// </summary>
public sealed class BackendOptionTests
{
    private static readonly string Both = RepoPaths.Image("both.png");

    [Theory]
    [InlineData("infer", "--backend", "managd", "explain infer: --backend: unknown backend 'managd'. Did you mean 'managed'? Known: ort, managed.")]
    [InlineData("layers", "--backend", "tensorflow", "explain layers: --backend: unknown backend 'tensorflow'. Known: ort, managed.")]
    [InlineData("infer", "--device", "gpu", "explain infer: --device: device 'gpu' is not one of cpu, cuda[:N], tensorrt[:N].")]
    [InlineData("layers", "--device", "cuda:x", "explain layers: --device: device 'cuda:x' is not one of cpu, cuda[:N], tensorrt[:N].")]
    [InlineData("layers", "--reshape", "vitt", "explain layers: --reshape: unknown transform 'vitt'. Did you mean 'vit'? Known: auto, vit, swin.")]
    public void BadBackendChoice_IsAUsageError_BeforeTheModelLoads(string command, string option, string value, string expected)
    {
        string[] args = command == "infer" ? ["infer", "--model", "mobilenet_v2", "--image", Both, option, value] : ["layers", "--model", "mobilenet_v2", option, value];

        var result = ExplainCli.Run(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.Stderr.Split('\n'));
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void RunReshape_UnknownTransform_IsAUsageError()
    {
        var result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", Both, "--reshape", "swim", "--out", "x");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("explain run: --reshape: unknown transform 'swim'. Did you mean 'swin'? Known: auto, vit, swin.", result.Stderr.Split('\n'));
    }

    [Fact]
    public void Infer_BothBackends_SameTopClassesAndEachNamed()
    {
        // Act
        var ort = ExplainCli.Run("infer", "--model", "mobilenet_v2", "--image", Both, "--backend", "ort", "--threads", "1");
        var managed = ExplainCli.Run("infer", "--model", "mobilenet_v2", "--image", Both, "--backend", "managed", "--threads", "1");

        // Assert: the header names the backend; the top-5 lines (class, label, probability to the printed digits) agree
        Assert.True(ort.ExitCode == 0, ort.ToString());
        Assert.True(managed.ExitCode == 0, managed.ToString());
        var ortLines = ort.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var managedLines = managed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("(ort cpu, 1 threads)", ortLines[0]);
        Assert.Contains("(managed, 1 threads)", managedLines[0]);
        Assert.Equal(managedLines[1..], ortLines[1..]);
        Assert.True(ortLines.Length >= 6, ort.ToString());
    }

    [Fact]
    public void Infer_CudaOnTheCpuBuild_NamesTheMissingLibrary()
    {
        var result = ExplainCli.Run("infer", "--model", "mobilenet_v2", "--image", Both, "--device", "cuda");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("device cuda:0 needs libonnxruntime_providers_cuda.so", result.Stderr);
    }

    [Fact]
    public void Layers_OnOrtByDefault_ListsTheDefaultTarget()
    {
        var result = ExplainCli.Run("layers", "--model", "mobilenet_v2", "--threads", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        var target = Assert.Single(result.Stdout.Split('\n'), l => l.Contains("<- default Grad-CAM target"));
        Assert.StartsWith("MobilenetV2/Conv_1/Relu6 ", target);
        Assert.Contains("[1, 1280, 7, 7]", target);
    }
}
