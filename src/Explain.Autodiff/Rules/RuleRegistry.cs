namespace Explain.Autodiff.Rules;

/// <summary>ONNX op type (default domain) to its gradient rule, split by family like the engine's importer.</summary>
internal static class RuleRegistry
{
    private static readonly Dictionary<string, GradientRule> Rules = Build();

    public static GradientRule? Find(string opType) => Rules.GetValueOrDefault(opType);

    public static IReadOnlyCollection<string> OpTypes => Rules.Keys;

    private static Dictionary<string, GradientRule> Build()
    {
        var rules = new Dictionary<string, GradientRule>(StringComparer.Ordinal);
        UnaryRules.Register(rules);
        BinaryRules.Register(rules);
        LinearRules.Register(rules);
        ConvRules.Register(rules);
        PoolRules.Register(rules);
        NormalizationRules.Register(rules);
        ShapeRules.Register(rules);
        IndexRules.Register(rules);
        ResizeRules.Register(rules);
        return rules;
    }
}
