namespace Explain.Messaging.Tests.RabbitMq;

using static Explain.Messaging.Tests.TestJobs;

[Collection(BrokerCollection.Name)]
public sealed class RabbitMqEventStreamTests(BrokerFixture broker)
{
    [Fact]
    public async Task SubscribeAsync_AfterEventsPublished_ReplaysFromStartThenFollows()
    {
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        await transport.Events.PublishAsync(Event("a", 0), CancellationToken.None);
        await transport.Events.PublishAsync(Event("a", 1), CancellationToken.None);

        await using var subscriber = transport.Events.SubscribeAsync(CancellationToken.None).GetAsyncEnumerator();
        var replayed = new[] { await NextAsync(subscriber), await NextAsync(subscriber) };
        await transport.Events.PublishAsync(Event("b", 7) with { Headers = new Dictionary<string, string> { ["kind"] = "heatmap" } }, CancellationToken.None);
        var live = await NextAsync(subscriber);

        Assert.Equal([("a", 0L), ("a", 1L)], replayed.Select(e => (e.JobId, e.Sequence)));
        Assert.Equal("a#1"u8.ToArray(), replayed[1].Body.ToArray());
        Assert.Equal(("b", 7L), (live.JobId, live.Sequence));
        Assert.Equal("heatmap", live.Headers["kind"]);
    }

    /// <summary>The replay's end (the results index's "no longer replaying"): after every event retained at the start, once, not before.</summary>
    [Fact]
    public async Task SubscribeAsync_CaughtUp_AfterTheRetainedEventsOnce()
    {
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        string job = "caught-" + Guid.NewGuid().ToString("N");
        const int Retained = 500;
        var confirms = Enumerable.Range(0, Retained).Select(i => transport.Events.PublishAsync(Event(job, i), CancellationToken.None)).ToList();
        await Task.WhenAll(confirms);
        int mine = 0, seenAtCaughtUp = -1, caughtUpCalls = 0;
        using var stop = new CancellationTokenSource(Timeout);
        var caughtUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var live = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            await foreach (var e in transport.Events.SubscribeAsync(stop.Token, null, () =>
            {
                seenAtCaughtUp = Volatile.Read(ref mine);
                Interlocked.Increment(ref caughtUpCalls);
                caughtUp.TrySetResult();
            }))
            {
                if (e.JobId == job && Interlocked.Increment(ref mine) == Retained + 1)
                    live.TrySetResult();
            }
        });

        await caughtUp.Task.WaitAsync(Timeout);
        await transport.Events.PublishAsync(Event(job, Retained), CancellationToken.None);
        await live.Task.WaitAsync(Timeout);
        await Task.Delay(2 * IEventStream.CaughtUpIdle);
        await stop.CancelAsync();
        await reader.ContinueWith(_ => { });

        Assert.Equal(Retained, seenAtCaughtUp);
        Assert.Equal(1, caughtUpCalls);
    }

    [Fact]
    public async Task SubscribeAsync_TwoSubscribersOnTwoConnections_BothSeeEveryEvent()
    {
        var options = broker.Options();
        await using var publisher = await RabbitMqTransport.ConnectAsync(options);
        await using var replicaA = await RabbitMqTransport.ConnectAsync(options);
        await using var replicaB = await RabbitMqTransport.ConnectAsync(options);
        await using var first = replicaA.Events.SubscribeAsync(CancellationToken.None).GetAsyncEnumerator();
        await using var second = replicaB.Events.SubscribeAsync(CancellationToken.None).GetAsyncEnumerator();

        for (var i = 0; i < 20; i++)
            await publisher.Events.PublishAsync(Event("a", i), CancellationToken.None);
        var seenByFirst = new List<long>();
        var seenBySecond = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            seenByFirst.Add((await NextAsync(first)).Sequence);
            seenBySecond.Add((await NextAsync(second)).Sequence);
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), seenByFirst);
        Assert.Equal(seenByFirst, seenBySecond);
    }

    [Fact]
    public async Task PublishAsync_ManyStartedWithoutAwaiting_ArriveInCallOrderAndAllConfirm()
    {
        // Pipelined publishes (a worker starts a job's events without waiting for each confirm)
        // must reach the stream in the order of the calls, from several writers at once.
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        const int PerJob = 300;
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(() =>
        {
            var confirms = new List<Task>(PerJob);
            for (var i = 0; i < PerJob; i++)
                confirms.Add(transport.Events.PublishAsync(Event("job" + w, i), CancellationToken.None));
            return Task.WhenAll(confirms);
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(Timeout);

        await using var subscriber = transport.Events.SubscribeAsync(CancellationToken.None).GetAsyncEnumerator();
        var seen = new Dictionary<string, List<long>>();
        for (var i = 0; i < 3 * PerJob; i++)
        {
            var e = await NextAsync(subscriber);
            (seen.TryGetValue(e.JobId, out var list) ? list : seen[e.JobId] = []).Add(e.Sequence);
        }

        Assert.Equal(3, seen.Count);
        foreach (var (_, sequences) in seen)
            Assert.Equal(Enumerable.Range(0, PerJob).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task SubscribeAsync_WithSequenceFilter_OnlyWantedEventsInOrderThenLiveOnes()
    {
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        for (var i = 0; i < 10; i++)
            await transport.Events.PublishAsync(Event("a", i), CancellationToken.None);

        await using var subscriber = transport.Events.SubscribeAsync(CancellationToken.None, s => s % 3 == 0).GetAsyncEnumerator();
        var replayed = new List<long>();
        for (var i = 0; i < 4; i++)
            replayed.Add((await NextAsync(subscriber)).Sequence);
        for (var i = 10; i < 13; i++)
            await transport.Events.PublishAsync(Event("b", i), CancellationToken.None);
        var live = await NextAsync(subscriber);

        Assert.Equal([0L, 3, 6, 9], replayed);
        Assert.Equal(("b", 12L), (live.JobId, live.Sequence));
        Assert.Equal("b#12"u8.ToArray(), live.Body.ToArray());
    }

    [Fact]
    public async Task ReadAsync_OffsetsFromASubscription_SameEventsAgainInOrder()
    {
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        for (var i = 0; i < 300; i++)
            await transport.Events.PublishAsync(Event("job" + (i % 3), i), CancellationToken.None);
        await using var subscriber = transport.Events.SubscribeAsync(CancellationToken.None).GetAsyncEnumerator();
        var offsets = new List<long>();
        for (var i = 0; i < 300; i++)
        {
            var e = await NextAsync(subscriber);
            if (e.JobId == "job2" && e.Sequence > 100)
                offsets.Add(e.Offset);
        }

        var again = await ReadAllAsync(transport.Events, offsets);

        Assert.Equal(Enumerable.Range(101, 199).Where(i => i % 3 == 2).Select(i => (long)i), again.Select(e => e.Sequence));
        Assert.Equal(offsets, again.Select(e => e.Offset));
        Assert.Equal("job2#299"u8.ToArray(), again[^1].Body.ToArray());
    }

    [Fact]
    public async Task Retention_StreamOverMaxLengthBytes_BrokerDropsTheOldestSegments_ReadLeavesThemOut()
    {
        // 1 MB published into a stream that keeps 200 kB in 50 kB segments.
        var options = broker.Options() with { EventRetentionBytes = 200_000, EventSegmentBytes = 50_000 };
        await using var transport = await RabbitMqTransport.ConnectAsync(options);
        var body = new byte[10_000];
        for (var i = 0; i < 100; i++)
            await transport.Events.PublishAsync(new JobEventEnvelope("a", i, body, new Dictionary<string, string>()), CancellationToken.None);

        // Offsets count the stream's own entries too, so they are learnt from a subscription, not assumed.
        // The broker drops segments one evaluation at a time: wait until it is done (two subscriptions
        // half a second apart see the same offsets), else a segment can go between the two reads.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        List<long> offsets = await RetainedOffsetsAsync(transport.Events, lastSequence: 99);
        while (true)
        {
            await Task.Delay(500, timeout.Token);
            var again = await RetainedOffsetsAsync(transport.Events, lastSequence: 99);
            if (again.Count <= 40 && again.SequenceEqual(offsets))
                break;
            offsets = again;
        }
        var retained = await ReadAllAsync(transport.Events, Enumerable.Range(0, (int)offsets[^1] + 1).Select(i => (long)i).ToList());

        Assert.InRange(retained.Count, 10, 40);
        Assert.Equal(offsets, retained.Select(e => e.Offset));
        Assert.Equal(99, retained[^1].Sequence);
        Assert.True(retained[0].Sequence > 0);
    }

    private static async Task<List<long>> RetainedOffsetsAsync(IEventStream stream, long lastSequence)
    {
        using var cts = new CancellationTokenSource();
        await using var subscriber = stream.SubscribeAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        var offsets = new List<long>();
        JobEventEnvelope e;
        do
        {
            e = await NextAsync(subscriber);
            offsets.Add(e.Offset);
        }
        while (e.Sequence < lastSequence);
        await cts.CancelAsync();
        return offsets;
    }

    private static async Task<List<JobEventEnvelope>> ReadAllAsync(IEventStream stream, IReadOnlyList<long> offsets)
    {
        var events = new List<JobEventEnvelope>();
        await foreach (var e in stream.ReadAsync(offsets, CancellationToken.None))
            events.Add(e);
        return events;
    }
}
