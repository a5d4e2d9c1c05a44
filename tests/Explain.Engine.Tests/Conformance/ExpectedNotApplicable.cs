using Explain.Engine.Tests.Fixtures;

namespace Explain.Engine.Tests.Conformance;

/// <summary>
/// The checked-in list of ONNX node tests the engine is expected to decline
/// (Conformance/expected-not-applicable.txt: one "name&lt;TAB&gt;reason" line per case, '#' comments).
/// It pins the not-applicable set: a regression that makes a supported operator throw at load or
/// Prepare turns a PASS into an N/A that is not on the list, and fails; a case that starts
/// passing must leave the list in the same change.
/// </summary>
internal static class ExpectedNotApplicable
{
    public const string RelativePath = "tests/Explain.Engine.Tests/Conformance/expected-not-applicable.txt";

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Entries = new(Load);

    public static string FilePath => Path.Combine(FixtureLocator.RepoRoot, RelativePath);

    /// <summary>Case name to the reason recorded when it was put on the list.</summary>
    public static IReadOnlyDictionary<string, string> All => Entries.Value;

    /// <summary>The list's text for a set of results: what the file must contain after an intended change.</summary>
    public static string Format(IEnumerable<NodeTestResult> notApplicable) =>
        "# ONNX node tests (libonnx-testdata) the engine declines at load, data read, session or Prepare.\n"
        + "# name<TAB>reason. Written from artifacts/onnx-not-applicable.txt by OnnxConformanceTests; edit only with\n"
        + "# the engine change that makes a case pass or decline.\n"
        + string.Concat(notApplicable.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => $"{r.Name}\t{OneLine(r.Detail)}\n"));

    public static string OneLine(string detail) => detail.ReplaceLineEndings(" ").Replace('\t', ' ');

    private static IReadOnlyDictionary<string, string> Load()
    {
        if (!File.Exists(FilePath))
            throw new Xunit.Sdk.XunitException($"{RelativePath} is missing");
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(FilePath))
        {
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            int tab = line.IndexOf('\t');
            if (tab <= 0 || tab == line.Length - 1)
                throw new Xunit.Sdk.XunitException($"{RelativePath}: '{line}' is not 'name<TAB>reason'");
            if (!entries.TryAdd(line[..tab], line[(tab + 1)..]))
                throw new Xunit.Sdk.XunitException($"{RelativePath}: '{line[..tab]}' is listed twice");
        }
        return entries;
    }
}
