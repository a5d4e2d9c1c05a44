using System.Diagnostics;
using Explain.Jobs.Tests.Support;

namespace Explain.Jobs.Tests.Interop;

/// <summary>
/// A real grpcio client (Debian python3-grpcio) runs a whole Explain call against `explain serve`'s
/// host. Its stubs are generated at test time from protos/explain/v1 with grpc_tools.protoc.
/// </summary>
public sealed class PythonClientTests(ServeFixture server) : IClassFixture<ServeFixture>, IDisposable
{
    private readonly string _stubs = Directory.CreateTempSubdirectory("explain-py-").FullName;

    [Fact]
    public async Task GrpcioClient_Explain_StreamsQueuedToCompleted()
    {
        var protos = Directory.GetFiles(Path.Combine(RepoPaths.Protos, "explain", "v1"), "*.proto").Select(p => Path.GetRelativePath(RepoPaths.Protos, p));
        var protoc = await RunAsync(["-m", "grpc_tools.protoc", "-I", RepoPaths.Protos, "-I", RepoPaths.GoogleApiProtos, "--python_out", _stubs, "--grpc_python_out", _stubs,
            .. protos, "google/api/annotations.proto", "google/api/http.proto"]);
        Assert.True(protoc.Code == 0, protoc.Output);
        string script = Path.Combine(AppContext.BaseDirectory, "Interop", "explain_client.py");

        var run = await RunAsync(script, _stubs, $"127.0.0.1:{server.Host.Address.Port}", RepoPaths.SmallModel, RepoPaths.Image("both.png"));

        Assert.True(run.Code == 0, run.Output);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var kinds = lines.Where(l => l.StartsWith("EVENT ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
        Assert.Equal(["queued", "started", "predictions", "heatmap", "heatmap", "completed"], kinds);
        Assert.Contains(lines, l => l.StartsWith("EVENT heatmap", StringComparison.Ordinal) && l.Contains(" 128x128 16384 "));
        Assert.Equal("STATUS OK", lines[^1]);
    }

    public void Dispose() => Directory.Delete(_stubs, recursive: true);

    private static async Task<(int Code, string Output)> RunAsync(params IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
