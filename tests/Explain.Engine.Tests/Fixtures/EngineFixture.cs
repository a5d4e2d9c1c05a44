using System.Text.Json;
using Explain.Engine.Tensors;

namespace Explain.Engine.Tests.Fixtures;

/// <summary>One architecture's golden data: the ONNX model, the PyTorch references and meta.json.</summary>
public sealed class EngineFixture
{
    private readonly JsonElement _meta;

    private EngineFixture(string arch, string directory, JsonElement meta)
    {
        Arch = arch;
        Directory = directory;
        _meta = meta;
    }

    public string Arch { get; }

    public string Directory { get; }

    public string ModelPath => Path.Combine(Directory, "model.onnx");

    public string InputName => _meta.GetProperty("input_name").GetString()!;

    public string OutputName => _meta.GetProperty("output_name").GetString()!;

    public string ActivationName => _meta.GetProperty("activation_name").GetString()!;

    public int Class => _meta.GetProperty("class").GetInt32();

    /// <summary>
    /// False when every small relative nudge of the input (1e-6) flips some ReLU/MaxPool decision,
    /// moving input gradients by up to ~1e-2 (meta.json decision_check). Only checked against the
    /// tests' own list of exceptions; it never chooses a bound.
    /// </summary>
    public bool InputAwayFromDecisions => _meta.GetProperty("decision_check").GetProperty("passed").GetBoolean();

    public int[] BatchClasses => _meta.GetProperty("batch_classes").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static EngineFixture Load(string arch)
    {
        string dir = FixtureLocator.Require(arch);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "meta.json")));
        return new EngineFixture(arch, dir, doc.RootElement.Clone());
    }

    /// <summary>A reference array by file stem, e.g. "grad_input".</summary>
    public Tensor Reference(string name) => Npy.Read(Path.Combine(Directory, name + ".npy"));

    /// <summary>PyTorch's own float32 error against the float64 reference (per class for batched references).</summary>
    public double TorchFloat32Error(string name, int row = 0)
    {
        var e = _meta.GetProperty("torch_float32_rel_error").GetProperty(name);
        return e.ValueKind == JsonValueKind.Array ? e[row].GetDouble() : e.GetDouble();
    }
}
