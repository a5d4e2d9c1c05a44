namespace Explain.Autodiff;

/// <summary>
/// A compiled gradient graph: one ONNX model that runs the forward pass once (batch 1) and the
/// backward pass for K seeds at once. Feed the model's own input plus <see cref="SeedInput"/>
/// (shape [K, ...scores shape without its batch dimension 1...]); it returns the scores, every
/// observed activation (its forward shape) and, per observed tensor, the gradient of
/// Σ seed[k]·scores for every k, shape [K, ...observed shape without its batch dimension 1...].
/// </summary>
public sealed class GradientGraph
{
    internal GradientGraph(byte[] model, string seedInput, string scoresOutput, IReadOnlyList<string> inputs,
        IReadOnlyDictionary<string, int[]> inputShapes,
        IReadOnlyDictionary<string, string> activationOutputs, IReadOnlyDictionary<string, string> gradientOutputs)
    {
        Model = model;
        SeedInput = seedInput;
        ScoresOutput = scoresOutput;
        Inputs = inputs;
        InputShapes = inputShapes;
        ActivationOutputs = activationOutputs;
        GradientOutputs = gradientOutputs;
    }

    /// <summary>The serialized ONNX ModelProto (self-contained: external initializer data is inlined).</summary>
    public byte[] Model { get; }

    /// <summary>Name of the seed input, shape [K, ...scores shape without batch...], float32.</summary>
    public string SeedInput { get; }

    /// <summary>Name of the scores output (the requested scores tensor).</summary>
    public string ScoresOutput { get; }

    /// <summary>The model's own inputs (besides the seed), in graph order.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>The fixed shapes the graph was compiled for (symbolic batch dimensions become 1).</summary>
    public IReadOnlyDictionary<string, int[]> InputShapes { get; }

    /// <summary>Observed tensor name to the output carrying its activation.</summary>
    public IReadOnlyDictionary<string, string> ActivationOutputs { get; }

    /// <summary>Observed tensor name to the output carrying its gradients, shape [K, ...observed shape without batch...].</summary>
    public IReadOnlyDictionary<string, string> GradientOutputs { get; }
}
