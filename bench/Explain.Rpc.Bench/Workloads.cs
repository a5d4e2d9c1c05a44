using System.Diagnostics;
using Explain.Testing.V1;
using Grpc.Net.Client;

namespace Explain.Rpc.Bench;

/// <summary>
/// The two measured workloads, driven by the same grpc-dotnet client against any server: unary echo of a small
/// message, and server streaming of small messages (1000 per call, calls restarted until time is up).
/// Each runs a short warm-up first.
/// </summary>
public sealed class Workloads(int port, TimeSpan duration)
{
    public Task<double> UnaryAsync(int concurrency) => MeasureAsync(concurrency, async (channel, token) =>
    {
        await new Echo.EchoClient(channel).UnaryEchoAsync(new EchoRequest { Message = "ping" });
        return 1;
    });

    public Task<double> StreamingAsync(int concurrency) => MeasureAsync(concurrency, async (channel, token) =>
    {
        using var call = new Echo.EchoClient(channel).ServerStream(new EchoRequest { Message = "tick", Count = 1000 });
        var count = 0;
        while (await call.ResponseStream.MoveNext(token))
        {
            count++;
        }

        return count;
    });

    private async Task<double> MeasureAsync(int concurrency, Func<GrpcChannel, CancellationToken, Task<int>> operation)
    {
        // The Explain client's channel settings (1 MiB stream window, multiple HTTP/2 connections).
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { InitialHttp2StreamWindowSize = 1 << 20, EnableMultipleHttp2Connections = true },
        });
        await RunAsync(channel, concurrency, TimeSpan.FromSeconds(1), operation);
        var stopwatch = Stopwatch.StartNew();
        var total = await RunAsync(channel, concurrency, duration, operation);
        return total / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<long> RunAsync(
        GrpcChannel channel, int concurrency, TimeSpan duration, Func<GrpcChannel, CancellationToken, Task<int>> operation)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            long done = 0;
            while (Stopwatch.GetTimestamp() < end)
            {
                done += await operation(channel, CancellationToken.None);
            }

            return done;
        });
        return (await Task.WhenAll(workers)).Sum();
    }
}
