using Explain.Telemetry.Tests.Support;

namespace Explain.Telemetry.Tests.Deploy;

/// <summary>deploy/prometheus/alerts.yml is valid and behaves as its unit tests (alerts.test.yml) say.</summary>
public sealed class AlertRulesTests
{
    [Fact]
    public async Task Alerts_PromtoolCheckRules_Valid()
    {
        var (exitCode, output) = await ProcessRunner.RunAsync("promtool", "check", "rules", RepositoryPaths.Of("deploy", "prometheus", "alerts.yml"));

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS: 7 rules found", output);
    }

    [Fact]
    public async Task Alerts_PromtoolTestRules_AllUnitTestsPass()
    {
        var (exitCode, output) = await ProcessRunner.RunAsync("promtool", "test", "rules", RepositoryPaths.Of("deploy", "prometheus", "alerts.test.yml"));

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [Fact]
    public async Task Alerts_EveryAlertHasAUnitTest()
    {
        var rules = await File.ReadAllLinesAsync(RepositoryPaths.Of("deploy", "prometheus", "alerts.yml"));
        var tests = await File.ReadAllTextAsync(RepositoryPaths.Of("deploy", "prometheus", "alerts.test.yml"));
        var alerts = rules.Select(l => l.Trim()).Where(l => l.StartsWith("- alert: ", StringComparison.Ordinal))
            .Select(l => l["- alert: ".Length..]).ToList();

        Assert.Equal(7, alerts.Count);
        Assert.All(alerts, alert => Assert.Contains($"alertname: {alert}\n", tests));
    }

    [Fact]
    public async Task PromtoolTestRules_BrokenExpectation_Fails()
    {
        // The harness must be able to fail: a copy of the tests expecting a wrong severity.
        var directory = Directory.CreateTempSubdirectory("explain-alerts-").FullName;
        try
        {
            File.Copy(RepositoryPaths.Of("deploy", "prometheus", "alerts.yml"), Path.Combine(directory, "alerts.yml"));
            var tests = await File.ReadAllTextAsync(RepositoryPaths.Of("deploy", "prometheus", "alerts.test.yml"));
            await File.WriteAllTextAsync(Path.Combine(directory, "alerts.test.yml"), tests.Replace("severity: critical", "severity: page", StringComparison.Ordinal));

            var (exitCode, output) = await ProcessRunner.RunAsync("promtool", "test", "rules", Path.Combine(directory, "alerts.test.yml"));

            Assert.NotEqual(0, exitCode);
            Assert.Contains("ExplainNoWorkers", output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
