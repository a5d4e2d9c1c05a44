using System.Text;
using System.Text.Json;
using Explain.Telemetry.Tests.Support;

namespace Explain.Telemetry.Tests.Deploy;

/// <summary>
/// deploy/grafana: the dashboard JSON parses, and every panel query is valid PromQL. promtool has no
/// PromQL check of its own, so each expression becomes a recording rule and `promtool check rules` parses it.
/// </summary>
public sealed class DashboardTests
{
    private static readonly string DashboardPath = RepositoryPaths.Of("deploy", "grafana", "dashboards", "explain.json");

    [Fact]
    public void Dashboard_Json_ParsesWithUidTitleAndPanels()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var root = dashboard.RootElement;

        Assert.Equal("explain-overview", root.GetProperty("uid").GetString());
        Assert.Equal("Explain", root.GetProperty("title").GetString());
        var titles = Panels(root).Select(p => p.GetProperty("title").GetString()).ToList();
        Assert.Contains("Jobs", titles);
        Assert.Contains("End-to-end job time", titles);
        Assert.Contains("explain.jobs queue", titles);
        Assert.Contains("gRPC server error ratio", titles);
        Assert.Contains("Jobs in flight per worker", titles);
        Assert.Equal(titles.Count, Panels(root).Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
    }

    [Fact]
    public async Task Dashboard_EveryPanelExpression_ParsesAsPromQL()
    {
        var expressions = Expressions();
        var rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (var i = 0; i < expressions.Count; i++)
        {
            rules.Append($"      - record: dashboard:expr_{i}\n        expr: {JsonSerializer.Serialize(Substitute(expressions[i]))}\n");
        }

        var file = Path.Combine(Path.GetTempPath(), $"explain-dashboard-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, rules.ToString());
        try
        {
            var (exitCode, output) = await ProcessRunner.RunAsync("promtool", "check", "rules", file);

            Assert.True(exitCode == 0, output);
            Assert.Contains($"SUCCESS: {expressions.Count} rules found", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task PromQLCheck_InvalidExpression_Rejected()
    {
        var file = Path.Combine(Path.GetTempPath(), $"explain-dashboard-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, "groups:\n  - name: d\n    rules:\n      - record: d:x\n        expr: \"sum(rate(x[5m])\"\n");
        try
        {
            var (exitCode, _) = await ProcessRunner.RunAsync("promtool", "check", "rules", file);

            Assert.NotEqual(0, exitCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Dashboard_UsesExportedMetricNames()
    {
        var all = string.Join("\n", Expressions());

        foreach (var name in new[]
                 {
                     "explain_jobs_submitted_total", "explain_jobs_rejected_total", "explain_jobs_completed_total",
                     "explain_jobs_failed_total", "explain_job_queue_wait_seconds_bucket", "explain_job_compute_seconds_bucket",
                     "explain_job_end_to_end_seconds_bucket", "explain_worker_jobs_in_flight", "explain_model_cache_hits_total",
                     "explain_model_cache_misses_total", "explain_model_cache_loads_total", "explain_watch_active_streams",
                     "explain_broker_reconnects_total", "explain_grpc_server_requests_total",
                     "explain_grpc_server_duration_seconds_bucket", "rabbitmq_queue_messages_ready",
                 })
        {
            Assert.Contains(name, all);
        }
    }

    [Fact]
    public void Provisioning_PointsAtDashboardFolderAndPrometheusUid()
    {
        var dashboards = File.ReadAllText(RepositoryPaths.Of("deploy", "grafana", "provisioning", "dashboards", "explain.yml"));
        var datasources = File.ReadAllText(RepositoryPaths.Of("deploy", "grafana", "provisioning", "datasources", "prometheus.yml"));

        Assert.Contains("path: /var/lib/grafana/dashboards", dashboards);
        Assert.Contains("type: file", dashboards);
        Assert.Contains("uid: prometheus", datasources);
        Assert.Contains("type: prometheus", datasources);
    }

    private static List<string> Expressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var expressions = Panels(dashboard.RootElement)
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
        Assert.True(expressions.Count >= 20, $"only {expressions.Count} expressions");
        return expressions;
    }

    /// <summary>Panels, including those nested in collapsed rows, cloned out of the document.</summary>
    private static List<JsonElement> Panels(JsonElement root)
    {
        var result = new List<JsonElement>();
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            result.Add(panel.Clone());
            if (panel.TryGetProperty("panels", out var nested))
            {
                result.AddRange(nested.EnumerateArray().Select(p => p.Clone()));
            }
        }

        return result;
    }

    /// <summary>Grafana's interval variables are not PromQL; replace them with what Grafana would.</summary>
    private static string Substitute(string expression) => expression
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$__interval", "15s", StringComparison.Ordinal)
        .Replace("$__range", "1h", StringComparison.Ordinal);
}
