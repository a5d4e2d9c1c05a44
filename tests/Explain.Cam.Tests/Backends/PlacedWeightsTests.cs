using Explain.Backends.OnnxRuntime;
using Explain.Cam.Backends;
using Explain.Engine.Tensors;

namespace Explain.Cam.Tests.Backends;

/// <summary>
/// Issue 11, GPU workers: on CUDA a model's weights are copied to the device once and every session of the model
/// (forward, gradient graphs, Ablation-CAM's suffix) reads that one copy (<see cref="SharedInitializers.Place"/>),
/// through <c>AddInitializer</c>, which ONNX Runtime uses in place when the value lies on the device the session
/// planned it for. No GPU here: <see cref="OrtBackend.LoadPlaced"/> runs the same code on the CPU provider, the
/// device copies made by the same one-node copy sessions in the CPU provider's memory. bench/gpu-check.sh runs
/// these on a GPU too (EXPLAIN_TEST_DEVICE=cuda:N), where the device copies are CUDA memory.
/// </summary>
public sealed class PlacedWeightsTests
{
    /// <summary>EXPLAIN_TEST_DEVICE (cpu, cuda[:N]); unset: the CPU, with the weights placed as on a GPU.</summary>
    private static OrtBackend LoadPlaced(string path) =>
        Environment.GetEnvironmentVariable("EXPLAIN_TEST_DEVICE") is { Length: > 0 } d && ExecutionDevice.Parse(d) is { Kind: DeviceKind.Cuda } cuda
            ? OrtBackend.Load(path, cuda, threads: 1)
            : OrtBackend.LoadPlaced(path, threads: 1);

    [Fact]
    public void EverySession_ReadsOneCopyOfTheWeights_ResultsAsWithHostWeights()
    {
        var fixture = EngineReference.Load("resnet18");
        var input = fixture.Reference("input");
        string layer = fixture.Model.Nodes.Where(n => n.OpType == "Relu").Select(n => n.Outputs[0]).Last();
        using var host = OrtBackend.Load(fixture.ModelPath, threads: 1);
        using var placed = LoadPlaced(fixture.ModelPath);
        var weights = placed.Sessions.Initializers;
        Assert.True(weights.Bytes > 40L << 20, $"{weights.Count} shared initializers of {weights.Bytes} bytes");
        // The forward session built at load placed every weight.
        Assert.Equal(weights.Count, weights.Placed);
        Assert.Equal(weights.Count, placed.Memory.WeightUploads);

        var (logits, gradient, ablated, _) = Explain(placed, fixture, input, layer);
        var (hostLogits, hostGradient, hostAblated, _) = Explain(host, fixture, input, layer);

        // NOTE: not bit for bit: the host backend's forward session runs ORT_ENABLE_ALL with the weights in its proto
        // (Conv+BatchNormalization folded, the NCHWc layout); a placed session reads the shared weights unfolded.
        Near(hostLogits, logits, 1e-5, "logits");
        Near(hostGradient, gradient, 1e-4, "gradient at the layer");
        Near(hostAblated, ablated, 1e-5, "suffix scores");
        Assert.True(placed.Sessions.Count >= 2, $"sessions: {string.Join(", ", placed.Sessions.Keys)}");
        Assert.Equal(weights.Count, placed.Memory.WeightUploads); // more sessions, no more copies
    }

    /// <summary>
    /// The sessions read the device copy itself, not a copy ONNX Runtime made of it at load: zeroing the last
    /// convolution's weights in the one copy changes what the forward session, the gradient graph and the suffix,
    /// all built before, return (the suffix fed the same replacement as before).
    /// </summary>
    [Fact]
    public void TheDeviceCopy_IsWhatSessionsRead()
    {
        var fixture = EngineReference.Load("resnet18");
        var input = fixture.Reference("input");
        // A layer in the middle, below the last convolution: the gradient there and the suffix from there read its weights.
        var relus = fixture.Model.Nodes.Where(n => n.OpType == "Relu").Select(n => n.Outputs[0]).ToList();
        string layer = relus[relus.Count / 2];
        using var placed = OrtBackend.LoadPlaced(fixture.ModelPath, threads: 1);
        var before = Explain(placed, fixture, input, layer);
        int sessions = placed.Sessions.Count;

        string conv = placed.Model.Graph.Node.Last(n => n.OpType == "Conv").Input[1];
        var value = placed.Sessions.Initializers.Read(conv) ?? throw new InvalidOperationException($"'{conv}' is not shared");
        value.GetTensorMutableDataAsSpan<float>().Clear();
        var logits = placed.Forward(input, new PassRequest([layer], Gradients: true));
        var gradient = logits.Gradients(fixture.OutputName, Class7(before.Logits.Length), GradientMode.Standard, [layer])[layer].Floats;
        var ablated = placed.RunFrom(input, layer, before.Replacement, fixture.OutputName).Floats;

        Assert.Equal(sessions, placed.Sessions.Count); // the same sessions ran again
        Assert.True(EngineReference.RelativeL2(logits.Outputs[fixture.OutputName].Floats, before.Logits) > 0.01, "the forward session read the zeroed weights");
        Assert.True(EngineReference.RelativeL2(gradient, before.Gradient) > 0.01, "the gradient graph read the zeroed weights");
        Assert.True(EngineReference.RelativeL2(ablated, before.Ablated) > 0.01, "the suffix read the zeroed weights");
        using var fresh = OrtBackend.Load(fixture.ModelPath, threads: 1);
        Near(before.Logits, Explain(fresh, fixture, input, layer).Logits, 1e-5, "another backend's logits (its own copy)");
    }

    /// <summary>
    /// The forward pass's logits, the gradient of class 7 at <paramref name="layer"/>, and the scores of a suffix run
    /// from it with the layer halved (the replacement it was fed).
    /// </summary>
    private static (float[] Logits, float[] Gradient, float[] Ablated, Tensor Replacement) Explain(IModelBackend backend, EngineReference fixture, Tensor input, string layer)
    {
        var pass = backend.Forward(input, new PassRequest([layer], Gradients: true));
        var logits = pass.Outputs[fixture.OutputName];
        var gradient = pass.Gradients(fixture.OutputName, Class7(logits.Length), GradientMode.Standard, [layer])[layer];
        var activation = pass.Observed[layer];
        var halved = Tensor.FromArray(Array.ConvertAll(activation.Floats, v => v * 0.5f), activation.Shape);
        var ablated = backend.RunFrom(input, layer, halved, fixture.OutputName);
        return (logits.Floats.ToArray(), gradient.Floats.ToArray(), ablated.Floats.ToArray(), halved);
    }

    private static Tensor Class7(int classes)
    {
        var seeds = Tensor.Zeros(1, classes);
        seeds.Floats[7] = 1;
        return seeds;
    }

    private static void Near(float[] expected, float[] actual, double bound, string what)
    {
        double error = EngineReference.RelativeL2(actual, expected);
        Assert.True(error < bound, $"{what}: relative L2 {error:E3} (bound {bound:E0})");
    }
}
