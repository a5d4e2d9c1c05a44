using System.Text.Json;
using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Jobs.Admission;
using Explain.Jobs.Tests.Support;

namespace Explain.Jobs.Tests.Admission;

/// <summary>
/// The graph's cost against PyTorch: tests/fixtures/make_cost_fixtures.py exports torchvision
/// architectures and counts their multiply-adds on the PyTorch modules (forward hooks on Conv2d
/// and Linear), independently of the ONNX graph.
/// </summary>
public sealed class ModelCostTests
{
    private static readonly Lazy<Task<string>> Fixtures = new(MakeFixturesAsync);

    [Theory]
    [InlineData("resnet18")]
    [InlineData("mobilenet_v2")]
    public async Task ForwardFlops_TorchvisionModels_TwiceTheMultiplyAddsPyTorchCounts(string arch)
    {
        var (cost, reference, defaultLayer) = await LoadAsync(arch);

        // NOTE: exact: both count the same Conv/Gemm multiply-adds (BatchNorm, ReLU, pooling and adds
        // are not counted on either side); a tolerance would hide a miscounted node.
        Assert.Equal(2.0 * reference.GetProperty("macs").GetInt64(), cost.ForwardFlops);
        Assert.Equal(2.0 * reference.GetProperty("head_macs").GetInt64(), cost.SuffixFlops(defaultLayer));
    }

    [Fact]
    public async Task Channels_DefaultLayer_ThoseOfTheActivation()
    {
        var (cost, _, layer) = await LoadAsync("resnet18");

        Assert.Equal(512, cost.Channels(layer));
    }

    private static async Task<(ModelCost Cost, JsonElement Reference, string DefaultLayer)> LoadAsync(string arch)
    {
        string dir = await Fixtures.Value;
        var model = OnnxModel.Load(Path.Combine(dir, arch + ".onnx"));
        var tensors = new Session(model, new SessionOptions { Optimize = false, Threads = 1 }).DescribeTensors();
        var reference = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, arch + ".json"))).RootElement;
        return (new ModelCost(model, tensors), reference, tensors.Single(t => t.IsDefaultTarget).Name);
    }

    private static async Task<string> MakeFixturesAsync()
    {
        string dir = Path.Combine(RepoPaths.Root, ".fixtures", "cost");
        var (code, output) = await Shell.RunAsync("/usr/bin/python3", "-W", "ignore", Path.Combine(RepoPaths.Root, "tests", "fixtures", "make_cost_fixtures.py"), "--out", dir);
        Assert.True(code == 0, "make_cost_fixtures.py failed:\n" + output);
        return dir;
    }
}
