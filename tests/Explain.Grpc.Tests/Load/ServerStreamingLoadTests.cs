using System.Diagnostics;
using Explain.Grpc.Client;
using Explain.Grpc.Tests.Support;
using Explain.Testing.V1;

namespace Explain.Grpc.Tests.Load;

/// <summary>
/// 200 concurrent server-streaming calls on one channel, in rounds for a bounded time: every stream
/// must end with a status (OK, or CANCELLED for the ones we abandon) and memory must settle.
/// </summary>
[Collection(Interop.InteropCollection.Name)]
public sealed class ServerStreamingLoadTests : ServerFixture
{
    private const int Concurrency = 200;
    private const int MessagesPerStream = 100;

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

    /// <summary>Every tenth call is abandoned after its first message, the rest read to the end.</summary>
    private async Task<List<StatusCode>> RunRoundAsync()
    {
        var calls = Enumerable.Range(0, Concurrency).Select(async i =>
        {
            using var call = Channel.ServerStreamingCall(EchoMethods.ServerStream,
                new EchoRequest { Message = $"stream {i}", Count = MessagesPerStream, ResponseSize = 1024 },
                CallOptions.Default.WithTimeout(TimeSpan.FromSeconds(30)));
            var received = 0;
            while (await call.ResponseStream.MoveNext())
            {
                received++;
                if (i % 10 == 0)
                {
                    call.Dispose();
                    break;
                }
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
