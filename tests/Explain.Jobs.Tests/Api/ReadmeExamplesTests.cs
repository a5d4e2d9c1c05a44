using System.Diagnostics;
using System.Text.RegularExpressions;
using Explain.Jobs.Tests.Support;

namespace Explain.Jobs.Tests.Api;

/// <summary>
/// The README's "Calling the service" examples, run as written (bash, curl, grpcio) against a live
/// `explain serve`: an example that drifts from the API fails here.
/// </summary>
public sealed partial class ReadmeExamplesTests(HttpServeFixture server) : IClassFixture<HttpServeFixture>
{
    [Fact]
    public async Task Curl_Example_EndsWithCompleted()
    {
        var lines = await RunAsync("curl");

        Assert.Contains("\"models\"", lines[0]);
        Assert.Contains("\"completed\"", lines[^1]);
    }

    [Fact]
    public async Task Python_Example_StreamsBothClassesToCompleted()
    {
        var lines = await RunAsync("python");

        Assert.Equal("queued", lines[0]);
        Assert.Equal("completed", lines[^1]);
        Assert.Contains("heatmap c243", lines);
        Assert.Contains("heatmap c281", lines);
    }

    private async Task<string[]> RunAsync(string example)
    {
        string readme = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md"));
        var match = Example().Matches(readme).SingleOrDefault(m => m.Groups[1].Value == example)
            ?? throw new Xunit.Sdk.XunitException($"README has no '<!-- readme-example: {example} -->' block");
        // As written when the shared folder is ../shared; elsewhere ($EXPLAIN_SHARED) its path stands in.
        string script = match.Groups[2].Value.Replace("../shared/", RepoPaths.Shared + "/", StringComparison.Ordinal);
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["EXPLAIN_HTTP"] = $"127.0.0.1:{server.HttpPort}";
        start.Environment["EXPLAIN_GRPC"] = $"127.0.0.1:{server.Host.Address.Port}";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        string output = await stdout;
        Assert.True(process.ExitCode == 0, $"example '{example}' exited {process.ExitCode}:\n{output}\n{await stderr}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [GeneratedRegex(@"<!-- readme-example: (\w+) -->\s*```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Example();
}
