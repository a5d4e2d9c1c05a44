using System.Text;
using Explain.Engine.Errors;
using Explain.Engine.Tests.Fixtures;
using Xunit.Abstractions;

namespace Explain.Engine.Tests.Conformance;

/// <summary>
/// ONNX's own operator conformance tests (issue 2). Each node-test folder is a Theory case, so a
/// failure is listed by name. A case the engine declines at load, data read, session or Prepare
/// (unsupported operator or feature) is reported as skipped with the reason, and only when
/// Conformance/expected-not-applicable.txt lists it: a case joining or leaving that list fails
/// until the list changes with it. The summary Fact writes artifacts/onnx-conformance.txt and
/// artifacts/onnx-not-applicable.txt (the list as this run found it) and fails on any failure
/// or any difference from the list.
/// </summary>
public sealed class OnnxConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> NodeTests
    {
        get
        {
            var names = NodeTestRunner.Names();
            // An empty TheoryData would be reported as "no data"; one named case fails clearly instead.
            return names.Count > 0 ? new TheoryData<string>(names) : new TheoryData<string> { "(libonnx-testdata missing)" };
        }
    }

    [SkippableTheory]
    [MemberData(nameof(NodeTests))]
    public void NodeTest_Case_MatchesReferenceOrIsAListedSkip(string name)
    {
        RequireTestData();
        var result = NodeTestRunner.Run(name);
        output.WriteLine(result.Line);
        bool listed = ExpectedNotApplicable.All.TryGetValue(name, out string? reason);
        switch (result.Outcome)
        {
            case NodeTestOutcome.Failed:
                Assert.Fail(result.Line);
                break;
            case NodeTestOutcome.NotApplicable:
                Assert.True(listed, $"{name} is not applicable but not on {ExpectedNotApplicable.RelativePath}: a supported case "
                    + $"that now declines is a regression; if the decline is intended, add it with the engine change. {result.Line}");
                throw new SkipException($"not applicable: {ExpectedNotApplicable.OneLine(result.Detail)} (listed: {reason})");
            default:
                Assert.False(listed, $"{name} passes but {ExpectedNotApplicable.RelativePath} lists it as not applicable ({reason}): remove it");
                break;
        }
    }

    [Fact]
    public void NodeTests_All_NoneFailAndNotApplicableSetIsTheListedOne()
    {
        RequireTestData();
        var results = NodeTestRunner.Names().Select(NodeTestRunner.Run).ToList();
        int passed = results.Count(r => r.Outcome == NodeTestOutcome.Passed);
        var notApplicable = results.Where(r => r.Outcome == NodeTestOutcome.NotApplicable).ToList();
        var failed = results.Where(r => r.Outcome == NodeTestOutcome.Failed).ToList();
        int lateDeclines = failed.Count(r => r.Detail.StartsWith(nameof(UnsupportedFeatureException), StringComparison.Ordinal));
        string counts = $"ONNX node tests: {passed} passed, {failed.Count} failed ({lateDeclines} of them an UnsupportedFeatureException "
            + $"while running, not at load), {notApplicable.Count} not applicable (skipped), of {results.Count}";
        File.WriteAllText(ReportPath("onnx-conformance.txt"), Report(counts, results));
        string actualList = ReportPath("onnx-not-applicable.txt");
        File.WriteAllText(actualList, ExpectedNotApplicable.Format(notApplicable));
        output.WriteLine(counts);

        var expected = ExpectedNotApplicable.All;
        var joined = notApplicable.Where(r => !expected.ContainsKey(r.Name)).Select(r => r.Line).ToList();
        var actualNames = notApplicable.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var left = expected.Keys.Where(n => !actualNames.Contains(n)).Order(StringComparer.Ordinal)
            .Select(n => $"{n} ({(results.Any(r => r.Name == n) ? "now runs" : "no such node test")})").ToList();
        var problems = failed.Select(r => r.Line)
            .Concat(joined.Select(l => "joined the not-applicable set: " + l))
            .Concat(left.Select(l => "left the not-applicable set: " + l)).ToList();
        Assert.True(problems.Count == 0, counts + Environment.NewLine + string.Join(Environment.NewLine, problems)
            + (joined.Count + left.Count > 0 ? $"{Environment.NewLine}this run's list: {actualList}; update {ExpectedNotApplicable.RelativePath} in the same change" : ""));
    }

    private static void RequireTestData()
    {
        if (!Directory.Exists(NodeTestRunner.Root))
            throw new Xunit.Sdk.XunitException($"{NodeTestRunner.Root} is missing: run tests/fixtures/ensure-fixtures.sh (installs libonnx-testdata)");
    }

    private static string ReportPath(string file)
    {
        string dir = Path.Combine(FixtureLocator.RepoRoot, "artifacts");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, file);
    }

    /// <summary>Counts, then per operator (a test counts for every op its model uses), then every case.</summary>
    private static string Report(string counts, IReadOnlyList<NodeTestResult> results)
    {
        var text = new StringBuilder().AppendLine(counts).AppendLine($"source: {NodeTestRunner.Root}").AppendLine();
        text.AppendLine("operator                        passed  failed     n/a");
        foreach (var op in results.SelectMany(r => r.OpTypes.Select(o => (Op: o, r.Outcome))).GroupBy(x => x.Op).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int Count(NodeTestOutcome o) => op.Count(x => x.Outcome == o);
            text.AppendLine($"{op.Key,-30} {Count(NodeTestOutcome.Passed),7} {Count(NodeTestOutcome.Failed),7} {Count(NodeTestOutcome.NotApplicable),7}");
        }
        text.AppendLine();
        foreach (var r in results.OrderBy(r => r.Outcome).ThenBy(r => r.Name, StringComparer.Ordinal))
            text.AppendLine(r.Line);
        return text.ToString();
    }
}
