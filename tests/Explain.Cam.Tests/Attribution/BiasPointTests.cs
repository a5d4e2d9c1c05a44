using Explain.Backends;
using Explain.Cam.Attribution;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;
using Explain.Testing;

namespace Explain.Cam.Tests.Attribution;

/// <summary>
/// FullGrad's bias points on graphs as PyTorch exports them: a parameter stored once and read through an
/// Identity (torchvision's ResNet-50 at initialization, whose 53 folded BatchNorm biases are all zero, is
/// one initializer and 52 Identities) is the same bias as the initializer read directly.
/// </summary>
public sealed class BiasPointTests
{
    [Fact]
    public void ConvBiasThroughIdentity_IsTheInitializersValues()
    {
        var direct = Assert.Single(BiasPoint.Find(OnnxModel.Load(TinyOnnx.BiasedClassifier(throughIdentity: false))));
        var shared = Assert.Single(BiasPoint.Find(OnnxModel.Load(TinyOnnx.BiasedClassifier(throughIdentity: true))));
        Assert.Equal("c1", shared.Tensor);
        Assert.Equal(direct.Tensor, shared.Tensor);
        Assert.Equal(direct.Bias, shared.Bias);
        Assert.Contains(direct.Bias, b => b != 0);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void FullGrad_OnTheIdentityGraph_EqualsTheDirectGraph(BackendKind backend)
    {
        using var dir = new TempDirectory("biaspoint");
        var rng = new Random(3);
        var x = Tensor.FromArray(Enumerable.Range(0, 3 * 16 * 16).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), 1, 3, 16, 16);
        float[] Map(bool throughIdentity)
        {
            string path = dir.File($"model-{throughIdentity}.onnx");
            File.WriteAllBytes(path, TinyOnnx.BiasedClassifier(throughIdentity));
            var card = new ModelCard { Name = "tiny", OnnxPath = path };
            using var explainer = new Explainer(ExecutionBackends.Open(new BackendOptions { Kind = backend, Threads = 1 }, card), card);
            return Assert.Single(explainer.Explain(x, new ExplainOptions { Methods = ["fullgrad"], Targets = new TargetSelection([2], 0, false) }).Maps).Map;
        }
        var direct = Map(false);
        Assert.Equal(direct, Map(true));
        Assert.Contains(direct, v => v > 0 && v < 1);
    }

    public static TheoryData<BackendKind> Backends() => new(Fixtures.CamFixtureTests.Backends);
}
