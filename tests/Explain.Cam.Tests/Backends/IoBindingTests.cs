using Explain.Backends.OnnxRuntime;
using Explain.Cam.Backends;
using Explain.Cam.Tests.Support;
using Explain.Engine.Onnx.Proto;
using Explain.Engine.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Explain.Cam.Tests.Backends;

/// <summary>
/// Issue 11 §5: the ONNX Runtime backend runs every session through IO binding, leaves what the next pass reads
/// on the session's device (here the CPU provider's memory: the same code, other memory info, as on CUDA) and
/// copies to the host only what the CAM code reads. Bound runs give bit for bit what a plain
/// <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// of the same session gives (the backend's runs before IO binding), and no bound value outlives its owner.
/// bench/gpu-check.sh runs them on a GPU (EXPLAIN_TEST_DEVICE=cuda:N), where "the same" is a relative L2 of
/// 1e-5 (cuDNN may pick non-deterministic kernels) and a value read stays on the device too.
/// </summary>
public sealed class IoBindingTests
{
    /// <summary>EXPLAIN_TEST_DEVICE (cpu, cuda[:N], tensorrt[:N]); unset: the CPU.</summary>
    private static readonly ExecutionDevice Device =
        ExecutionDevice.Parse(Environment.GetEnvironmentVariable("EXPLAIN_TEST_DEVICE") is { Length: > 0 } d ? d : "cpu");

    [Fact]
    public void Forward_Bound_BitIdenticalToAnUnboundRun()
    {
        var fixture = EngineReference.Load("resnet18");
        using var backend = OrtBackend.Load(fixture.ModelPath, Device, threads: 2);
        var input = fixture.Reference("input");
        var layers = LastRelus(fixture, 2);

        var pass = backend.Forward(input, new PassRequest(layers));

        var expected = Unbound(backend.Sessions.Get(SessionKey(backend, "forward:"), NotBuilt), new() { [backend.InputNames[0]] = input }, [fixture.OutputName, .. layers]);
        Same(expected[fixture.OutputName].Floats, pass.Outputs[fixture.OutputName].Floats);
        foreach (var layer in layers)
        {
            Assert.Equal(expected[layer].Shape, pass.Observed[layer].Shape);
            Same(expected[layer].Floats, pass.Observed[layer].Floats);
        }
    }

    /// <summary>Input gradients run the whole gradient graph on the pass's input, copied to the device once for every gradient run of the pass.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Gradients_WholeGraph_BitIdenticalToAnUnboundRun(int batch)
    {
        var fixture = EngineReference.Load("resnet18");
        using var backend = OrtBackend.Load(fixture.ModelPath, Device, threads: 2);
        var input = Batch(fixture.Reference("input"), batch);
        string inputName = backend.InputNames[0];
        long uploads = backend.Memory.Uploads;

        var pass = backend.Forward(input, new PassRequest([], InputGradients: true));
        var seeds = Seeds(pass.Outputs[fixture.OutputName].Length / batch, batch, 3, 7);
        var gradient = pass.Gradients(fixture.OutputName, seeds, GradientMode.Standard, [inputName])[inputName];
        var again = pass.Gradients(fixture.OutputName, seeds, GradientMode.Guided, [inputName])[inputName];

        Assert.Equal(uploads + 1, backend.Memory.Uploads);
        Assert.True(((OrtPass)pass).Input.OnDevice, "the pass holds its input on the device");
        // A batch compiles its own graph (batch B) and runs once: the seam's seed rows t·B + b are its seed [2, B, ...].
        string key = $"gradients:{GradientMode.Standard}\nbatch={batch}\n{inputName}";
        var graph = backend.GradientGraphs.Graph(key);
        var session = backend.Sessions.Get(key, NotBuilt);
        var expected = Unbound(session, new()
        {
            [graph.Input] = input,
            [graph.SeedInput] = AsSeed(seeds, batch),
        }, [graph.GradientOutputs[inputName]])[graph.GradientOutputs[inputName]];
        Same(expected.Floats, gradient.Floats);
        Assert.NotEqual(gradient.Floats, again.Floats);
    }

    /// <summary>
    /// Layer gradients on the suffix after the layer are fed the forward session's activation as it lies on the
    /// device: it is never copied to the host for them, yet gives what an unbound run fed the host copy gives, and
    /// what the same route gives once the activation was read (the host copy bound instead).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Gradients_SuffixOnDeviceValues_BitIdenticalToAnUnboundRun_NoHostCopy(int batch)
    {
        var fixture = CamFixture.Require("resnet18_view");
        using var backend = OrtBackend.Load(fixture.OnnxPath, Device, threads: 2);
        var input = Batch(fixture.Input(), batch);
        string layer = BlockOutputs(fixture)[^2];
        var request = new PassRequest([layer], Gradients: true);

        var pass = (OrtPass)backend.Forward(input, request);
        var seeds = Seeds(pass.Outputs[fixture.OutputName].Length / batch, batch, fixture.Classes[0], fixture.Classes[1]);
        long copies = backend.Memory.HostCopies;
        var onDevice = pass.Gradients(fixture.OutputName, seeds, GradientMode.Standard, [layer])[layer];

        Assert.Equal(copies, backend.Memory.HostCopies);
        Assert.True(pass.Values[layer].OnDevice, "the activation is still on the device, unread");
        string key = SessionKey(backend, "suffix-gradients:");
        var graph = backend.GradientGraphs.Graph(key);
        var activation = pass.Observed[layer];
        Assert.Equal(copies + 1, backend.Memory.HostCopies);
        var session = backend.Sessions.Get(key, NotBuilt);
        var expected = Unbound(session, new()
        {
            [layer] = activation,
            [graph.SeedInput] = AsSeed(seeds, batch),
        }, [graph.GradientOutputs[layer]])[graph.GradientOutputs[layer]];
        Same(expected.Floats, onDevice.Floats);
        // Read first: on the CPU provider the device copy is then dropped and the host copy is bound.
        var read = (OrtPass)backend.Forward(input, request);
        _ = read.Observed[layer];
        Assert.True(read.Values[layer].OnDevice != backend.Memory.IsHost, "a value read on the CPU provider is not held twice; on a GPU it stays there");
        Same(onDevice.Floats, read.Gradients(fixture.OutputName, seeds, GradientMode.Standard, [layer])[layer].Floats);
        Assert.DoesNotContain(backend.Sessions.Keys, k => k.StartsWith("gradients:", StringComparison.Ordinal));
    }

    /// <summary>
    /// Ablation-CAM's suffix cut inside a residual block: the skip connection crossing the cut stays on the device
    /// and is repeated to the rows inside the graph; the scores equal an unbound run of the suffix without the repeat,
    /// fed copies repeated on the host (the backend's runs before IO binding), and a second chunk copies nothing back.
    /// </summary>
    [Fact]
    public void RunFrom_CrossingOnDevice_BitIdenticalToAnUnboundHostRepeat()
    {
        var fixture = EngineReference.Load("resnet18");
        using var backend = OrtBackend.Load(fixture.ModelPath, Device, threads: 2);
        var input = fixture.Reference("input");
        string tensor = fixture.Model.Nodes.Where(n => n.OpType == "Relu").Reverse().Skip(1).First().Outputs[0];
        var activation = backend.Forward(input, new PassRequest([tensor])).Observed[tensor];
        var rows = Tensor.Create([3, .. activation.Shape[1..]]);
        for (int r = 0; r < 3; r++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(activation.Floats, 1f - 0.4f * r, rows.Floats.AsSpan(r * activation.Length, activation.Length));

        long copies = backend.Memory.HostCopies;
        var bound = backend.RunFrom(input, tensor, rows, fixture.OutputName);
        var second = backend.RunFrom(input, tensor, rows, fixture.OutputName);

        Assert.Equal(copies, backend.Memory.HostCopies);
        Same(bound.Floats, second.Floats);
        var crossing = SuffixModel.Cut(backend.Model, tensor, fixture.OutputName, name => new ValueInfoProto { Name = name })!.Crossing.Where(c => c != tensor).ToList();
        Assert.NotEmpty(crossing);
        var values = backend.Forward(input, new PassRequest(crossing)).Observed;
        var plain = SuffixModel.Cut(backend.Model, tensor, fixture.OutputName, crossing.Prepend(tensor).ToDictionary(c => c, c => (1, activation.Rank)));
        using var session = backend.Sessions.Create(plain.Model.Clone());
        var feeds = new Dictionary<string, Tensor> { [tensor] = rows };
        foreach (var name in crossing)
            feeds[name] = Rows(values[name], [0, 0, 0]);
        var expected = Unbound(session, feeds, [fixture.OutputName])[fixture.OutputName];
        Same(expected.Floats, bound.Floats);
    }

    /// <summary>
    /// Perturbation chunks (ModelProbe's masked inputs): each chunk is bound where it lies (ONNX Runtime copies it to a
    /// GPU once, in the run) and its scores are bound to the host (copied once, at the end of the run): no upload, no
    /// copy back through the backend's copier, no device value left behind; the scores equal single-row forward passes.
    /// </summary>
    [Fact]
    public void ProbeChunks_BoundWhereTheyLie_NothingKeptOnTheDevice()
    {
        var fixture = CamFixture.Require("resnet18_view");
        using var backend = OrtBackend.Load(fixture.OnnxPath, Device, threads: 2);
        var input = fixture.Input();
        var probe = new Explain.Cam.Perturbation.ModelProbe(backend, fixture.OutputName, chunk: 4);
        void Fill(int row, Span<float> values) => System.Numerics.Tensors.TensorPrimitives.Multiply(input.Floats, 1f - 0.1f * row, values);
        var single = backend.Forward(input, PassRequest.Outputs).Outputs[fixture.OutputName];
        var memory = backend.Memory;
        (long Copies, long Uploads, long Live) before = (memory.HostCopies, memory.Uploads, memory.Live);

        var scores = probe.Scores(6, input.Shape, Fill);

        Assert.Equal(before, (memory.HostCopies, memory.Uploads, memory.Live));
        Assert.Empty(backend.DevicePasses);
        int classes = single.Length;
        for (int row = 0; row < 6; row++)
        {
            var one = Tensor.Create(input.Shape);
            Fill(row, one.Floats);
            var expected = backend.Forward(one, PassRequest.Outputs).Outputs[fixture.OutputName];
            double error = EngineReference.RelativeL2(scores.AsSpan(row * classes, classes), expected.Floats);
            Assert.True(error < 1e-5, $"row {row}: relative L2 {error:E3} between the chunk's scores and a single forward pass");
        }
    }

    [Fact]
    public void Observed_ReadTwice_CopiedToTheHostOnce()
    {
        var fixture = EngineReference.Load("resnet18");
        using var backend = OrtBackend.Load(fixture.ModelPath, Device, threads: 1);
        string layer = LastRelus(fixture, 1)[0];
        var pass = (OrtPass)backend.Forward(fixture.Reference("input"), new PassRequest([layer], Gradients: true));
        long copies = backend.Memory.HostCopies, live = backend.Memory.Live;
        Assert.True(pass.Values[layer].OnDevice);

        var first = pass.Observed[layer];
        var second = pass.Observed[layer];

        Assert.Same(first, second);
        Assert.Equal(copies + 1, backend.Memory.HostCopies);
        Assert.Equal(backend.Memory.IsHost ? live - 1 : live, backend.Memory.Live);
    }

    /// <summary>Disposing the backend releases every value its passes and caches hold on the device; values read before stay readable, unread ones throw.</summary>
    [Fact]
    public void Dispose_ReleasesEveryDeviceValue_UnreadValuesThrow()
    {
        var fixture = EngineReference.Load("resnet18");
        var backend = OrtBackend.Load(fixture.ModelPath, Device, threads: 1);
        var input = fixture.Reference("input");
        var layers = fixture.Model.Nodes.Where(n => n.OpType == "Relu").Select(n => n.Outputs[0]).TakeLast(2).ToList();
        var pass = backend.Forward(input, new PassRequest(layers, Gradients: true));
        // The first ReLU of the last block: the block's input crosses a cut there.
        var read = pass.Observed[layers[0]];
        long live = backend.Memory.Live;
        backend.RunFrom(input, layers[0], Batch(read, 2), fixture.OutputName);
        Assert.True(live > 0, "the pass holds device values");
        Assert.True(backend.Memory.Live > live, "the suffix's crossing values are on the device");

        backend.Dispose();

        Assert.Equal(0, backend.Memory.Live);
        Assert.Same(read, pass.Observed[layers[0]]);
        Assert.Throws<ObjectDisposedException>(() => pass.Observed[layers[1]]);
        Assert.Throws<ObjectDisposedException>(() => pass.Gradients(fixture.OutputName, Seeds(1000, 1, 1), GradientMode.Standard, [layers[1]]));
    }

    /// <summary>A disposed pass gives its device values back at once; a new pass of the same input gives the same gradients.</summary>
    [Fact]
    public void Pass_Disposed_ReleasesItsValues_ANewPassGivesTheSameGradients()
    {
        var fixture = EngineReference.Load("resnet18");
        using var backend = OrtBackend.Load(fixture.ModelPath, Device, threads: 1);
        var input = fixture.Reference("input");
        string layer = LastRelus(fixture, 1)[0];
        var request = new PassRequest([layer], Gradients: true);
        long live = backend.Memory.Live;
        var pass = (OrtPass)backend.Forward(input, request);
        var seeds = Seeds(pass.Outputs[fixture.OutputName].Length, 1, 5);
        var before = pass.Gradients(fixture.OutputName, seeds, GradientMode.Standard, [layer])[layer];
        Assert.True(backend.Memory.Live > live);

        pass.Dispose();

        Assert.Equal(live, backend.Memory.Live);
        Assert.Throws<ObjectDisposedException>(() => pass.Gradients(fixture.OutputName, seeds, GradientMode.Standard, [layer]));
        Assert.Throws<ObjectDisposedException>(() => pass.Observed[layer]);
        var after = backend.Forward(input, request).Gradients(fixture.OutputName, seeds, GradientMode.Standard, [layer])[layer];
        Same(before.Floats, after.Floats);
    }

    /// <summary>
    /// At most <see cref="OrtBackend.MaxDevicePasses"/> passes keep device values; the oldest is evicted to the host
    /// and stays usable: its unread activation and its gradients equal a fresh pass's.
    /// </summary>
    [Fact]
    public void Passes_BeyondTheCache_EvictedToTheHost_StillGiveTheSameResults()
    {
        var fixture = EngineReference.Load("resnet18");
        using var backend = OrtBackend.Load(fixture.ModelPath, Device, threads: 1);
        var input = fixture.Reference("input");
        string layer = LastRelus(fixture, 1)[0];
        var request = new PassRequest([layer], Gradients: true, InputGradients: true);
        var passes = Enumerable.Range(0, OrtBackend.MaxDevicePasses + 1).Select(_ => (OrtPass)backend.Forward(input, request)).ToList();

        Assert.Equal(OrtBackend.MaxDevicePasses, backend.DevicePasses.Count);
        Assert.False(passes[0].HoldsDeviceValues, "the oldest pass was evicted");
        Assert.True(passes[0].Values[layer].OnHost, "its unread activation was copied to the host first");
        Assert.Equal(2L * OrtBackend.MaxDevicePasses, backend.Memory.Live);
        var seeds = Seeds(passes[0].Outputs[fixture.OutputName].Length, 1, 2);
        Same(passes[^1].Observed[layer].Floats, passes[0].Observed[layer].Floats);
        Same(
            passes[^1].Gradients(fixture.OutputName, seeds, GradientMode.Standard, [layer])[layer].Floats,
            passes[0].Gradients(fixture.OutputName, seeds, GradientMode.Standard, [layer])[layer].Floats);
    }

    /// <summary>
    /// A run cancelled while ONNX Runtime computes leaves no value behind: its bound temporaries and its uploaded input
    /// are freed. Timed for the CPU (a GPU finishes the batch before the cancel: gpu-check.sh leaves this test out).
    /// </summary>
    [Fact]
    public void Forward_CancelledMidRun_LeavesNoBoundValueBehind()
    {
        // resnet18_view takes a batch whole: one long run for the cancel to stop.
        var fixture = CamFixture.Require("resnet18_view");
        using var backend = OrtBackend.Load(fixture.OnnxPath, Device, threads: 1);
        IModelBackend seam = backend;
        var input = fixture.Input();
        string layer = fixture.ActivationName;
        var batch = Batch(input, 32);
        var request = new PassRequest([layer], Gradients: true);
        // The session built and planned first, so the cancel lands inside the batch's run, not before it.
        ((OrtPass)backend.Forward(input, request)).Dispose();
        long live = backend.Memory.Live;
        using var cancel = new CancellationTokenSource();
        seam.Cancellation = cancel.Token;
        try
        {
            var started = DateTime.UtcNow;
            // NOTE: a thread of its own, not CancelAfter's timer: the whole suite's parallel tests can starve the
            // thread pool past the batch's run, and then nothing is cancelled.
            var canceller = new Thread(() =>
            {
                Thread.Sleep(100);
                cancel.Cancel();
            });
            canceller.Start();
            Assert.ThrowsAny<OperationCanceledException>(() => backend.Forward(batch, request));
            canceller.Join();
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the run stopped soon after the cancel");
        }
        finally
        {
            seam.Cancellation = CancellationToken.None;
        }

        Assert.Equal(live, backend.Memory.Live);
        Assert.Empty(backend.DevicePasses);
        var logits = backend.Forward(input, PassRequest.Outputs).Outputs[fixture.OutputName];
        Assert.All(logits.Floats, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(live, backend.Memory.Live);
    }

    /// <summary>Bit for bit on the CPU; within 1e-5 relative L2 on a GPU.</summary>
    private static void Same(float[] expected, float[] actual)
    {
        if (!Device.IsGpu)
        {
            Assert.Equal(expected, actual);
            return;
        }
        Assert.Equal(expected.Length, actual.Length);
        double error = EngineReference.RelativeL2(actual, expected);
        Assert.True(error < 1e-5, $"relative L2 {error:E3} on {Device}");
    }

    private static readonly Func<ModelProto> NotBuilt = () => throw new InvalidOperationException("the session was not built by the run under test");

    /// <summary>The backend's runs before IO binding: host tensors pinned, session.Run, outputs copied out.</summary>
    private static Dictionary<string, Tensor> Unbound(InferenceSession session, Dictionary<string, Tensor> feeds, IReadOnlyList<string> outputs)
    {
        var names = feeds.Keys.ToList();
        var values = names.Select(n => OrtValues.From(feeds[n])).ToList();
        try
        {
            using var options = new RunOptions();
            using var results = session.Run(options, names, values, outputs);
            return outputs.Select((name, i) => (name, i)).ToDictionary(o => o.name, o => OrtValues.ToTensor(results[o.i], o.name));
        }
        finally
        {
            foreach (var v in values)
                v.Dispose();
        }
    }

    /// <summary>The seam's seeds [K·B, ...] (row t·B + b) as a batch-B graph's seed input [K, B, ...]; unchanged at batch 1.</summary>
    private static Tensor AsSeed(Tensor seeds, int batch) => batch == 1 ? seeds : seeds.Reshape([seeds.Shape[0] / batch, batch, .. seeds.Shape[1..]]);

    private static string SessionKey(OrtBackend backend, string prefix) => backend.Sessions.Keys.Single(k => k.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Seeds [K·B, classes]: row t·B + b seeds class classes[t] on batch row b.</summary>
    private static Tensor Seeds(int classes, int batch, params int[] targets)
    {
        var seeds = Tensor.Zeros(targets.Length * batch, classes);
        for (int t = 0; t < targets.Length; t++)
            for (int b = 0; b < batch; b++)
                seeds.Floats[(t * batch + b) * classes + targets[t]] = 1;
        return seeds;
    }

    /// <summary><paramref name="rows"/> scaled copies of <paramref name="one"/> (batch 1), so rows differ.</summary>
    private static Tensor Batch(Tensor one, int rows)
    {
        var batch = Tensor.Create([rows, .. one.Shape[1..]]);
        for (int r = 0; r < rows; r++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(one.Floats, 1f - 0.5f * r / rows, batch.Floats.AsSpan(r * one.Length, one.Length));
        return batch;
    }

    private static Tensor Rows(Tensor value, int[] rows)
    {
        int size = value.Length / value.Shape[0];
        var data = new float[rows.Length * size];
        for (int i = 0; i < rows.Length; i++)
            value.Floats.AsSpan(rows[i] * size, size).CopyTo(data.AsSpan(i * size, size));
        return Tensor.FromArray(data, [rows.Length, .. value.Shape[1..]]);
    }

    private static List<string> LastRelus(EngineReference fixture, int count) =>
        fixture.Model.Nodes.Where(n => n.OpType == "Relu").Select(n => n.Outputs[0]).TakeLast(count).ToList();

    /// <summary>The outputs of residual blocks (a Relu of an Add), in order.</summary>
    private static List<string> BlockOutputs(CamFixture fixture)
    {
        var producers = fixture.Model.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n.OpType))).ToDictionary(x => x.o, x => x.OpType);
        return fixture.Model.Nodes.Where(n => n.OpType == "Relu" && producers.GetValueOrDefault(n.Inputs[0]) == "Add").Select(n => n.Outputs[0]).ToList();
    }
}
