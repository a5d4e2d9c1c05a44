using Explain.Backends;
using Explain.Backends.Managed;
using Explain.Backends.OnnxRuntime;
using Explain.Cam.Backends;
using Explain.Cam.Tests.Support;
using Explain.Engine.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Explain.Cam.Tests.Backends;

/// <summary>What the ONNX Runtime backend adds beyond parity: observed tensors immune to graph optimizations, batches, suffix runs, devices, disposal.</summary>
public sealed class OrtBackendTests
{
    private const double Bound = 1e-5;

    /// <summary>
    /// Issue 11 §6, as OptimizationTests does for the managed engine: a Conv output feeding a
    /// BatchNormalization (the pair ONNX Runtime folds) and a BatchNormalization output feeding a Relu
    /// (the pair it fuses), observed with every optimization on, equal the unoptimized run.
    /// </summary>
    [Fact]
    public void Forward_ObservedTensorsInsideFusablePairs_SameWithAndWithoutOptimizations()
    {
        var fixture = EngineReference.Load("resnet18");
        var model = fixture.Model;
        var consumers = model.Nodes.SelectMany(n => n.Inputs.Select(i => (Input: i, Node: n))).ToLookup(x => x.Input, x => x.Node.OpType);
        string convBeforeNorm = model.Nodes.Where(n => n.OpType == "Conv").Select(n => n.Outputs[0]).Skip(1).First(o => consumers[o].Contains("BatchNormalization"));
        string normBeforeRelu = model.Nodes.Where(n => n.OpType == "BatchNormalization").Select(n => n.Outputs[0]).Skip(1).First(o => consumers[o].Contains("Relu"));
        var request = new PassRequest([convBeforeNorm, normBeforeRelu]);
        var input = fixture.Reference("input");

        using var optimized = OrtBackend.Load(fixture.ModelPath, threads: 2, optimization: GraphOptimizationLevel.ORT_ENABLE_ALL);
        using var plain = OrtBackend.Load(fixture.ModelPath, threads: 2, optimization: GraphOptimizationLevel.ORT_DISABLE_ALL);
        using var managed = new ManagedBackend(model, threads: 2);
        var on = optimized.Forward(input, request).Observed;
        var off = plain.Forward(input, request).Observed;
        var reference = managed.Forward(input, request).Observed;

        foreach (var name in request.Observe)
        {
            Assert.Equal(off[name].Shape, on[name].Shape);
            double error = EngineReference.RelativeL2(on[name].Floats, off[name].Floats);
            Assert.True(error < Bound, $"'{name}': relative L2 {error:E3} between optimized and plain ONNX Runtime runs");
            double managedError = EngineReference.RelativeL2(on[name].Floats, reference[name].Floats);
            Assert.True(managedError < 1e-4, $"'{name}': relative L2 {managedError:E3} between ONNX Runtime and the managed engine");
        }
    }

    /// <summary>
    /// Hosts run ONNX Runtime with its intra-op spinning off (BackendOptions.SpinWait, ForService):
    /// a scheduling knob only, so two threads that sleep between parallel sections give the same
    /// logits and gradients as two that spin, and the option reaches the sessions the backend opens.
    /// </summary>
    [Fact]
    public void SpinWaitOff_SameScoresAndGradients()
    {
        var fixture = EngineReference.Load("resnet18");
        var input = fixture.Reference("input");
        var service = BackendOptions.Parse("ort", null, 2).ForService();
        Assert.False(service.SpinWait);
        Assert.Equal(Environment.GetEnvironmentVariable("EXPLAIN_ORT_SPIN") == "1", BackendOptions.Default.SpinWait);
        using var sleeping = ExecutionBackends.Open(service, fixture.ModelPath);
        using var spinning = OrtBackend.Load(fixture.ModelPath, threads: 2);
        var request = new PassRequest([], Gradients: true, InputGradients: true);
        var a = sleeping.Forward(input, request);
        var b = spinning.Forward(input, request);
        var seeds = Tensor.Zeros(1, a.Outputs[fixture.OutputName].Length);
        seeds.Floats[3] = 1;
        Assert.True(EngineReference.RelativeL2(a.Outputs[fixture.OutputName].Floats, b.Outputs[fixture.OutputName].Floats) < Bound);
        string inputName = sleeping.InputNames[0];
        var ga = a.Gradients(fixture.OutputName, seeds, GradientMode.Standard, [inputName])[inputName];
        var gb = b.Gradients(fixture.OutputName, seeds, GradientMode.Standard, [inputName])[inputName];
        double error = EngineReference.RelativeL2(ga.Floats, gb.Floats);
        Assert.True(error < Bound, $"input gradient: relative L2 {error:E3} between sleeping and spinning intra-op threads");
        Assert.True(ga.Floats.Any(v => v != 0), "the gradient is not all zero");
    }

    /// <summary>
    /// Layer gradients run on the suffix after the layer, fed the forward pass's own activations, so
    /// the layers before it are not re-run; gradients at the input need the whole graph. Both routes
    /// give the same layer gradients (the backward pass is the same; only the activations' source
    /// differs: the forward session's observed output against the gradient graph's recomputation).
    /// </summary>
    [Theory]
    [InlineData("resnet18", 2)]
    [InlineData("resnet18_view", 3)]
    public void LayerGradients_RunOnTheSuffix_SameAsTheWholeGraph(string arch, int batch)
    {
        var fixture = CamFixture.Require(arch);
        using var backend = OrtBackend.Load(fixture.OnnxPath, threads: 2);
        var one = fixture.Input();
        // A batch of scaled copies, as Integrated Grad-CAM's path feeds (resnet18 runs it row by row).
        var input = Tensor.Create([batch, .. one.Shape[1..]]);
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < one.Length; i++)
                input.Floats[b * one.Length + i] = one.Floats[i] * (b + 1) / batch;
        // The output of the block before the last: the suffix runs a whole residual block (its skip
        // connection starts at the cut, so nothing crosses it) and the gradient depends on the input.
        var producers = fixture.Model.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n.OpType))).ToDictionary(x => x.o, x => x.OpType);
        var blockOutputs = fixture.Model.Nodes.Where(n => n.OpType == "Relu" && producers.GetValueOrDefault(n.Inputs[0]) == "Add").Select(n => n.Outputs[0]).ToList();
        Assert.Equal(fixture.ActivationName, blockOutputs[^1]);
        string layer = blockOutputs[^2], inputName = backend.InputNames[0];
        var pass = backend.Forward(input, new PassRequest([layer]));
        int classes = pass.Outputs[fixture.OutputName].Length / batch;
        var seeds = Tensor.Zeros(2 * batch, classes);
        for (int row = 0; row < 2 * batch; row++)
            seeds.Floats[row * classes + fixture.Classes[row / batch]] = 1;

        var suffix = pass.Gradients(fixture.OutputName, seeds, GradientMode.Standard, [layer])[layer];
        Assert.Contains(backend.Sessions.Keys, k => k.StartsWith("suffix-gradients:", StringComparison.Ordinal));
        Assert.DoesNotContain(backend.Sessions.Keys, k => k.StartsWith("gradients:", StringComparison.Ordinal));
        var whole = backend.Forward(input, new PassRequest([layer, inputName])).Gradients(fixture.OutputName, seeds, GradientMode.Standard, [layer, inputName])[layer];
        Assert.Contains(backend.Sessions.Keys, k => k.StartsWith("gradients:", StringComparison.Ordinal));

        Assert.Equal(whole.Shape, suffix.Shape);
        Assert.Equal(2 * batch, suffix.Shape[0]);
        Assert.All(suffix.Floats, v => Assert.True(float.IsFinite(v), "suffix route: a gradient is not finite"));
        Assert.All(whole.Floats, v => Assert.True(float.IsFinite(v), "whole-graph route: a gradient is not finite"));
        double error = EngineReference.RelativeL2(suffix.Floats, whole.Floats);
        Assert.True(error < Bound, $"layer gradients: relative L2 {error:E3} between the suffix and the whole-graph routes");
        Assert.True(suffix.Floats.Any(v => v != 0), "the gradient is not all zero");
        // Rows differ by target and by batch row (the copies are scaled differently).
        int size = suffix.Length / suffix.Shape[0];
        Assert.NotEqual(suffix.Floats.AsSpan(0, size).ToArray(), suffix.Floats.AsSpan(size, size).ToArray());
        Assert.NotEqual(suffix.Floats.AsSpan(0, size).ToArray(), suffix.Floats.AsSpan(batch * size, size).ToArray());
    }

    /// <summary>resnet18 is exported with batch 1 fixed; resnet18_view computes its Reshape from the input's shape.</summary>
    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet18_view")]
    public void Forward_Batch_EqualsRowByRowRuns(string arch)
    {
        var fixture = EngineReference.Load(arch);
        using var backend = OrtBackend.Load(fixture.ModelPath, threads: 2);
        var input = fixture.Reference("input");
        var batch = Tensor.Create([3, .. input.Shape[1..]]);
        for (int r = 0; r < 3; r++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(input.Floats, 1f - 0.3f * r, batch.Floats.AsSpan(r * input.Length, input.Length));

        var whole = backend.Forward(batch, PassRequest.Outputs).Outputs[fixture.OutputName];

        Assert.Equal(3, whole.Shape[0]);
        int classes = whole.Length / 3;
        for (int r = 0; r < 3; r++)
        {
            var row = Tensor.FromArray(batch.Floats.AsSpan(r * input.Length, input.Length).ToArray(), input.Shape);
            var single = backend.Forward(row, PassRequest.Outputs).Outputs[fixture.OutputName];
            double error = EngineReference.RelativeL2(whole.Floats.AsSpan(r * classes, classes), single.Floats);
            Assert.True(error < Bound, $"{arch} row {r}: relative L2 {error:E3} between the batched and the single run");
        }
    }

    /// <summary>
    /// Ablation-CAM's suffix runs, cut at the target layer (nothing crosses the cut) and inside a
    /// residual block (the skip connection crosses it and is fed from the forward pass): rows of
    /// scaled activations give the managed engine's suffix scores, and the unchanged activation gives the logits.
    /// </summary>
    [Theory]
    [InlineData("input.148")]
    [InlineData(null)]
    public void RunFrom_ScaledActivations_MatchManagedEngine(string? tensor)
    {
        var fixture = EngineReference.Load("resnet18");
        // The first ReLU of the last residual block: its output feeds conv2, the block input skips past it.
        tensor ??= fixture.Model.Nodes.Where(n => n.OpType == "Relu").Reverse().Skip(1).First().Outputs[0];
        using var ort = OrtBackend.Load(fixture.ModelPath, threads: 2);
        using var managed = new ManagedBackend(fixture.Model, threads: 2);
        var input = fixture.Reference("input");
        var activation = ort.Forward(input, new PassRequest([tensor])).Observed[tensor];
        var rows = Tensor.Create([3, .. activation.Shape[1..]]);
        for (int r = 0; r < 3; r++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(activation.Floats, 1f - 0.4f * r, rows.Floats.AsSpan(r * activation.Length, activation.Length));

        var fromOrt = ort.RunFrom(input, tensor, rows, fixture.OutputName);
        var fromManaged = managed.RunFrom(input, tensor, rows, fixture.OutputName);
        var logits = ort.Forward(input, PassRequest.Outputs).Outputs[fixture.OutputName];

        Assert.Equal(fromManaged.Shape, fromOrt.Shape);
        double error = EngineReference.RelativeL2(fromOrt.Floats, fromManaged.Floats);
        Assert.True(error < 1e-4, $"'{tensor}': relative L2 {error:E3} between ONNX Runtime's and the managed engine's suffix runs");
        double unchanged = EngineReference.RelativeL2(fromOrt.Floats.AsSpan(0, logits.Length), logits.Floats);
        Assert.True(unchanged < Bound, $"'{tensor}': the unchanged activation gives logits {unchanged:E3} away from the forward pass");
    }

    /// <summary>No GPU here: asking for CUDA fails at load with an error naming the missing library, and the process lives on.</summary>
    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    [InlineData("tensorrt")]
    public void Open_GpuDeviceWithoutCuda_FailsNamingTheMissingLibrary(string device)
    {
        var fixture = EngineReference.Load("resnet18");
        var options = BackendOptions.Parse("ort", device, 1);

        var e = Assert.Throws<BackendUnavailableException>(() => ExecutionBackends.Open(options, fixture.ModelPath));

        Assert.Matches(@"lib[a-z_]+\.so(\.\d+)?", e.Message);
        Assert.Contains(ExecutionDevice.Parse(device).ToString(), e.Message);
        using var cpu = ExecutionBackends.Open(BackendOptions.Parse("ort", "cpu", 1), fixture.ModelPath);
        Assert.Equal("ort cpu", cpu.Name);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cpu:0")]
    public void Parse_UnknownDevice_NamesTheForms(string device)
    {
        var e = Assert.Throws<ArgumentException>(() => BackendOptions.Parse(null, device));
        Assert.Contains("cuda[:N]", e.Message);
    }

    [Fact]
    public void Open_ManagedOnGpu_Fails()
    {
        var fixture = EngineReference.Load("resnet18");
        var e = Assert.Throws<BackendUnavailableException>(() => ExecutionBackends.Open(BackendOptions.Parse("managed", "cuda"), fixture.ModelPath));
        Assert.Contains("CPU only", e.Message);
    }

    [Fact]
    public void Load_NotAnOnnxModel_FailsClearly()
    {
        using var dir = new TempDirectory("ortbackend");
        string path = Path.Combine(dir.Path, "model.onnx");
        File.WriteAllBytes(path, "not a model"u8.ToArray());

        var e = Assert.Throws<ArgumentException>(() => OrtBackend.Load(path));

        Assert.Contains("ONNX model", e.Message);
    }

    [Fact]
    public void Forward_AfterDispose_Throws()
    {
        var fixture = EngineReference.Load("resnet18");
        var backend = OrtBackend.Load(fixture.ModelPath, threads: 1);
        backend.Dispose();

        Assert.Throws<ObjectDisposedException>(() => backend.Forward(fixture.Reference("input"), PassRequest.Outputs));
    }
}
