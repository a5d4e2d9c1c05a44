namespace Explain.Messaging.Tests;

using System.Text;

/// <summary>Small builders shared by the transport tests.</summary>
internal static class TestJobs
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static JobEnvelope Job(string id) =>
        new(id, Encoding.UTF8.GetBytes("body-" + id), new Dictionary<string, string>(), null);

    public static JobEventEnvelope Event(string jobId, long sequence) =>
        new(jobId, sequence, Encoding.UTF8.GetBytes($"{jobId}#{sequence}"), new Dictionary<string, string>());

    /// <summary>Takes the next item of an enumerator, failing the test if none comes in time.</summary>
    public static async Task<T> NextAsync<T>(IAsyncEnumerator<T> enumerator)
    {
        var moved = await enumerator.MoveNextAsync().AsTask().WaitAsync(Timeout);
        Assert.True(moved, "the enumeration ended");
        return enumerator.Current;
    }

    /// <summary>True when a new enumeration of <paramref name="source"/> produces nothing within <paramref name="wait"/>.</summary>
    public static async Task<bool> StaysQuietAsync<T>(Func<CancellationToken, IAsyncEnumerable<T>> source, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource();
        await using var enumerator = source(cts.Token).GetAsyncEnumerator(cts.Token);
        var pending = enumerator.MoveNextAsync().AsTask();
        var quiet = await Task.WhenAny(pending, Task.Delay(wait)) != pending;
        await cts.CancelAsync();
        try
        {
            await pending.WaitAsync(Timeout);
        }
        catch (OperationCanceledException)
        {
        }
        return quiet;
    }

    /// <summary>True when the enumerator produces nothing within <paramref name="wait"/>; the pending move is returned.</summary>
    public static async Task<(bool Quiet, Task<bool> Pending)> IsQuietAsync<T>(IAsyncEnumerator<T> enumerator, TimeSpan wait)
    {
        var pending = enumerator.MoveNextAsync().AsTask();
        var winner = await Task.WhenAny(pending, Task.Delay(wait));
        return (winner != pending, pending);
    }
}
