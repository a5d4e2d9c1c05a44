using Explain.Engine.Ops;

namespace Explain.Engine.Onnx;

/// <summary>
/// The registry from ONNX op type (default domain) to a builder of an <see cref="Op"/>. Builders
/// read attributes under their ONNX names with the specification's defaults. Families register
/// themselves in partial files (OnnxOps.Conv.cs, OnnxOps.Elementwise.cs, ...).
/// </summary>
public static partial class OnnxOps
{
    /// <summary>Builds an op from a node's attributes and the model's opset for the default domain.</summary>
    public delegate Op Builder(NodeAttributes attributes, int opset);

    private static readonly Dictionary<string, Builder> Builders = CreateRegistry();

    public static bool IsSupported(string opType) => Builders.ContainsKey(opType);

    public static IEnumerable<string> SupportedOperators => Builders.Keys.Order();

    public static Op Build(string opType, NodeAttributes attributes, int opset) => Builders[opType](attributes, opset);

    private static Dictionary<string, Builder> CreateRegistry()
    {
        var registry = new Dictionary<string, Builder>(StringComparer.Ordinal);
        foreach (var register in Families)
            register(registry);
        return registry;
    }
}
