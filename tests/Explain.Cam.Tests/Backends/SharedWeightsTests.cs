using Explain.Backends.OnnxRuntime;
using Explain.Cam.Backends;
using Explain.Engine.Tensors;

namespace Explain.Cam.Tests.Backends;

/// <summary>Alone: the test reads the process's resident set, which tests running beside it would move.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResidentMemoryCollection
{
    public const string Name = "resident memory";
}

/// <summary>
/// Issue 11, peak RSS: the ONNX Runtime sessions of one model read one copy of its weights
/// (<see cref="SharedInitializers"/>) instead of deserializing a copy each.
/// </summary>
[Collection(ResidentMemoryCollection.Name)]
public sealed class SharedWeightsTests
{
    /// <summary>
    /// Four more sessions of ResNet-18 (45 MiB of weights) beside the forward one: with a copy of the
    /// weights each they would add four times the weights; reading the shared ones, each adds its
    /// graph and activations only. Their logits are the forward session's.
    /// </summary>
    [Fact]
    public void MoreSessions_ReadTheSharedWeights_ResidentSetGrowsLessThanOneCopy()
    {
        var fixture = EngineReference.Load("resnet18");
        var input = fixture.Reference("input");
        using var backend = OrtBackend.Load(fixture.ModelPath, threads: 1);
        var weights = backend.Sessions.Initializers;
        Assert.True(weights.Bytes > 40L << 20, $"{weights.Count} shared initializers of {weights.Bytes} bytes");
        var expected = backend.Forward(input, PassRequest.Outputs).Outputs[fixture.OutputName];

        OrtSessions.CollectGarbage();
        long before = ResidentBytes();
        var sessions = Enumerable.Range(0, 4).Select(_ => backend.Sessions.Create(OnnxEdits.WithOutputs(backend.Model, []))).ToList();
        try
        {
            foreach (var session in sessions)
            {
                var logits = backend.RunOnce(session, new Dictionary<string, Tensor> { [backend.InputNames[0]] = input }, [fixture.OutputName])[fixture.OutputName];
                double error = EngineReference.RelativeL2(logits.Floats, expected.Floats);
                Assert.True(error < 1e-5, $"relative L2 {error:E3} between a session on the shared weights and the forward session");
            }
            OrtSessions.CollectGarbage();
            long growth = ResidentBytes() - before;

            Assert.True(growth < weights.Bytes, $"4 sessions added {growth >> 20} MiB of resident memory; the weights are {weights.Bytes >> 20} MiB");
        }
        finally
        {
            foreach (var session in sessions)
                session.Dispose();
        }
    }

    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) << 10;
        throw new InvalidOperationException("/proc/self/status has no VmRSS");
    }
}
