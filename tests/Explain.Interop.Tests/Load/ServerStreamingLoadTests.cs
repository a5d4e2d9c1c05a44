using System.Diagnostics;
using Explain.Interop.Tests.Support;
using Explain.Testing.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Explain.Interop.Tests.Load;

/// <summary>
/// 200 concurrent server-streaming calls on one channel to the grpc-dotnet server, in rounds for a
/// bounded time: every stream must end with a status (OK, or CANCELLED for the ones we abandon)
/// and managed memory must settle.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ServerStreamingLoadTests : IAsyncLifetime
{
    private const int Concurrency = 200;
    private const int MessagesPerStream = 100;

    private TestGrpcServer? _server;
    private GrpcChannel? _channel;

    private Echo.EchoClient Echo => new(_channel ?? throw new InvalidOperationException("not started"));

    public async Task InitializeAsync()
    {
        _server = await TestGrpcServer.StartAsync();
        _channel = GrpcChannel.ForAddress(_server.Address);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task ServerStream_200Concurrent_EveryStreamEndsWithStatus()
    {
        var stopwatch = Stopwatch.StartNew();
        await RunRoundAsync(); // warm-up: pools and JIT
        var baseline = SettledMemory();
        var rounds = 0;

        while (stopwatch.Elapsed < TimeSpan.FromSeconds(6) || rounds < 3)
        {
            var statuses = await RunRoundAsync();
            rounds++;

            Assert.Equal(Concurrency, statuses.Count);
            Assert.All(statuses.Where((_, i) => i % 10 != 0), s => Assert.Equal(StatusCode.OK, s));
            Assert.All(statuses.Where((_, i) => i % 10 == 0), s => Assert.Equal(StatusCode.Cancelled, s));
        }

        var growth = SettledMemory() - baseline;
        Assert.True(growth < 64L * 1024 * 1024, $"Managed memory grew by {growth / 1024 / 1024} MB over {rounds} rounds.");
    }

    /// <summary>Every tenth call is abandoned after its first message (its token cancelled), the rest read to the end.</summary>
    private async Task<List<StatusCode>> RunRoundAsync()
    {
        var calls = Enumerable.Range(0, Concurrency).Select(async i =>
        {
            using var abandon = new CancellationTokenSource();
            using var call = Echo.ServerStream(
                new EchoRequest { Message = $"stream {i}", Count = MessagesPerStream, ResponseSize = 1024 },
                deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: abandon.Token);
            var received = 0;
            try
            {
                while (await call.ResponseStream.MoveNext())
                {
                    received++;
                    if (i % 10 == 0)
                    {
                        await abandon.CancelAsync();
                    }
                }
            }
            catch (RpcException e) when (i % 10 == 0)
            {
                // A call whose token fired ends with CANCELLED on the next read (grpc-dotnet).
                return e.StatusCode;
            }

            Assert.True(i % 10 == 0 || received == MessagesPerStream);
            return call.GetStatus().StatusCode;
        });
        return [.. await Task.WhenAll(calls)];
    }

    private static long SettledMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
