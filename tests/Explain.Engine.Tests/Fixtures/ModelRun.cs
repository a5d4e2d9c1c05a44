using System.Collections.Concurrent;
using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Tests.Fixtures;

/// <summary>
/// Everything the engine computes for one fixture, made once per test run and shared by the
/// tests of each quantity: one forward pass, then three backward passes from it (the chosen
/// class, three classes in one [3, classes] seed, and the chosen class guided). The session is
/// dropped afterwards so large models do not stay in memory.
/// </summary>
public sealed class ModelRun
{
    private static readonly ConcurrentDictionary<string, Lazy<ModelRun>> Cache = new();

    private ModelRun(EngineFixture fixture) => Fixture = fixture;

    public EngineFixture Fixture { get; }

    public required Tensor Logits { get; init; }

    public required Tensor Activation { get; init; }

    public required Tensor GradActivation { get; init; }

    public required Tensor GradInput { get; init; }

    public required Tensor GradActivationBatch { get; init; }

    public required Tensor GradInputBatch { get; init; }

    public required Tensor GuidedGradInput { get; init; }

    public static ModelRun For(string arch) =>
        Cache.GetOrAdd(arch, a => new Lazy<ModelRun>(() => Compute(EngineFixture.Load(a)))).Value;

    private static ModelRun Compute(EngineFixture fixture)
    {
        var input = fixture.Reference("input");
        var model = OnnxModel.Load(fixture.ModelPath);
        var session = new Session(model, new SessionOptions
        {
            Observe = [fixture.ActivationName],
            Gradients = true,
            InputGradients = true,
            Threads = 2,
            InputShapes = new Dictionary<string, int[]> { [fixture.InputName] = input.Shape },
        });
        var forward = session.Run(new Dictionary<string, Tensor> { [fixture.InputName] = input });
        var logits = forward.Outputs[fixture.OutputName];
        int classes = logits.Shape[^1];

        var single = session.Backward(Seeds(fixture.OutputName, classes, fixture.Class));
        var batch = session.Backward(Seeds(fixture.OutputName, classes, fixture.BatchClasses));
        var guided = session.Backward(Seeds(fixture.OutputName, classes, fixture.Class), BackwardMode.Guided);
        return new ModelRun(fixture)
        {
            Logits = logits,
            Activation = forward.Observed[fixture.ActivationName],
            GradActivation = single[fixture.ActivationName],
            GradInput = single[fixture.InputName],
            GradActivationBatch = batch[fixture.ActivationName],
            GradInputBatch = batch[fixture.InputName],
            GuidedGradInput = guided[fixture.InputName],
        };
    }

    /// <summary>One one-hot row per class: seeds [K, classes] on the logits.</summary>
    public static Dictionary<string, Tensor> Seeds(string output, int classes, params int[] rows)
    {
        var seed = Tensor.Zeros(rows.Length, classes);
        for (int k = 0; k < rows.Length; k++)
            seed.Floats[k * classes + rows[k]] = 1f;
        return new Dictionary<string, Tensor> { [output] = seed };
    }
}
