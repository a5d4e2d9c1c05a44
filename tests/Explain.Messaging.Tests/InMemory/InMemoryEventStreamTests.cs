namespace Explain.Messaging.Tests.InMemory;

using static Explain.Messaging.Tests.TestJobs;

public sealed class InMemoryEventStreamTests
{
    [Fact]
    public async Task SubscribeAsync_AfterEventsPublished_ReplaysFromStartThenFollows()
    {
        await using var transport = new InMemoryTransport();
        await transport.Events.PublishAsync(Event("a", 0), CancellationToken.None);
        await transport.Events.PublishAsync(Event("a", 1), CancellationToken.None);
        await using var subscriber = transport.Events.SubscribeAsync(CancellationToken.None).GetAsyncEnumerator();
        var replayed = new[] { await NextAsync(subscriber), await NextAsync(subscriber) };

        var (quiet, pending) = await IsQuietAsync(subscriber, TimeSpan.FromMilliseconds(100));
        await transport.Events.PublishAsync(Event("b", 0), CancellationToken.None);

        Assert.Equal([("a", 0L), ("a", 1L)], replayed.Select(e => (e.JobId, e.Sequence)));
        Assert.True(quiet);
        Assert.True(await pending.WaitAsync(Timeout));
        Assert.Equal(("b", 0L), (subscriber.Current.JobId, subscriber.Current.Sequence));
    }

    [Fact]
    public async Task SubscribeAsync_CaughtUp_AtTheLogsEndOnce()
    {
        await using var transport = new InMemoryTransport();
        for (int i = 0; i < 3; i++)
            await transport.Events.PublishAsync(Event("a", i), CancellationToken.None);
        int handedOut = 0, seenAtCaughtUp = -1, calls = 0;
        await using var subscriber = transport.Events.SubscribeAsync(CancellationToken.None, null, () => { seenAtCaughtUp = handedOut; calls++; }).GetAsyncEnumerator();

        for (int i = 0; i < 3; i++, handedOut++)
            await NextAsync(subscriber);
        var (quiet, pending) = await IsQuietAsync(subscriber, TimeSpan.FromMilliseconds(100));
        await transport.Events.PublishAsync(Event("b", 0), CancellationToken.None);
        Assert.True(await pending.WaitAsync(Timeout));
        await transport.Events.PublishAsync(Event("b", 1), CancellationToken.None);
        await NextAsync(subscriber);

        Assert.True(quiet);
        Assert.Equal(3, seenAtCaughtUp);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task SubscribeAsync_TwoSubscribers_BothSeeEveryEventInOrder()
    {
        await using var transport = new InMemoryTransport();
        await using var first = transport.Events.SubscribeAsync(CancellationToken.None).GetAsyncEnumerator();
        await using var second = transport.Events.SubscribeAsync(CancellationToken.None).GetAsyncEnumerator();

        for (var i = 0; i < 5; i++)
            await transport.Events.PublishAsync(Event("a", i), CancellationToken.None);
        var seenByFirst = new List<long>();
        var seenBySecond = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            seenByFirst.Add((await NextAsync(first)).Sequence);
            seenBySecond.Add((await NextAsync(second)).Sequence);
        }

        Assert.Equal([0L, 1, 2, 3, 4], seenByFirst);
        Assert.Equal(seenByFirst, seenBySecond);
    }

    [Fact]
    public async Task SubscribeAsync_Cancelled_ThrowsOperationCanceled()
    {
        await using var transport = new InMemoryTransport();
        using var cts = new CancellationTokenSource();
        await using var subscriber = transport.Events.SubscribeAsync(cts.Token).GetAsyncEnumerator();
        var pending = subscriber.MoveNextAsync().AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Timeout));
    }

    [Fact]
    public async Task SubscribeAsync_WithSequenceFilter_OnlyWantedEventsInOrder()
    {
        var stream = new InMemoryEventStream();
        for (var i = 0; i < 10; i++)
            await stream.PublishAsync(Event("a", i), CancellationToken.None);

        await using var subscriber = stream.SubscribeAsync(CancellationToken.None, s => s % 3 == 0).GetAsyncEnumerator();
        var seen = new List<long>();
        for (var i = 0; i < 4; i++)
            seen.Add((await NextAsync(subscriber)).Sequence);

        Assert.Equal([0L, 3, 6, 9], seen);
    }
}
