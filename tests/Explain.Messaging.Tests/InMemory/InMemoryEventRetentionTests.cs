namespace Explain.Messaging.Tests.InMemory;

using System.Text;
using static Explain.Messaging.Tests.TestJobs;

/// <summary>The in-memory events log's retention (age, bytes, events) and reads by offset.</summary>
public sealed class InMemoryEventRetentionTests
{
    [Fact]
    public async Task Publish_OverMaxEvents_OldestTrimmed_SubscriberStartsAtOldestRetained()
    {
        var stream = new InMemoryEventStream(EventRetention.InMemoryDefault with { MaxEvents = 3 });
        for (var i = 0; i < 5; i++)
            await stream.PublishAsync(Event("a", i), CancellationToken.None);

        await using var subscriber = stream.SubscribeAsync(CancellationToken.None).GetAsyncEnumerator();
        var first = await NextAsync(subscriber);

        Assert.Equal(3, stream.Count);
        Assert.Equal(2, stream.FirstOffset);
        Assert.Equal((2L, 2L), (first.Sequence, first.Offset));
    }

    [Fact]
    public async Task Publish_OverMaxBytes_OldestTrimmedButNeverTheNewest()
    {
        var stream = new InMemoryEventStream(EventRetention.InMemoryDefault with { MaxBytes = 250 });
        for (var i = 0; i < 3; i++)
            await stream.PublishAsync(Sized("a", i, 100), CancellationToken.None);
        await stream.PublishAsync(Sized("a", 3, 1000), CancellationToken.None); // alone over the limit

        var retained = await ReadAllAsync(stream, [0, 1, 2, 3]);

        Assert.Equal([3L], retained.Select(e => e.Offset));
        Assert.Equal(1000, stream.Bytes);
    }

    [Fact]
    public async Task Read_EventsOlderThanMaxAge_Gone()
    {
        var clock = new ManualClock();
        var stream = new InMemoryEventStream(EventRetention.InMemoryDefault with { MaxAge = TimeSpan.FromMinutes(1) }, clock);
        await stream.PublishAsync(Event("a", 0), CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(40));
        await stream.PublishAsync(Event("a", 1), CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(30));

        var retained = await ReadAllAsync(stream, [0, 1]);
        clock.Advance(TimeSpan.FromSeconds(40));
        var later = await ReadAllAsync(stream, [0, 1]);

        Assert.Equal([1L], retained.Select(e => e.Offset));
        Assert.Empty(later);
        Assert.Equal((0, 0L), (stream.Count, stream.Bytes));
    }

    [Fact]
    public async Task ReadAsync_OffsetsFromASubscription_SameEventsAgainInOrder()
    {
        await using var transport = new InMemoryTransport();
        for (var i = 0; i < 10; i++)
            await transport.Events.PublishAsync(Event("job" + (i % 2), i), CancellationToken.None);
        await using var subscriber = transport.Events.SubscribeAsync(CancellationToken.None).GetAsyncEnumerator();
        var offsets = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            var e = await NextAsync(subscriber);
            if (e.JobId == "job1")
                offsets.Add(e.Offset);
        }

        var again = await ReadAllAsync(transport.Events, offsets);

        Assert.Equal([1L, 3, 5, 7, 9], again.Select(e => e.Sequence));
        Assert.Equal(offsets, again.Select(e => e.Offset));
        Assert.Equal("job1#9"u8.ToArray(), again[^1].Body.ToArray());
    }

    private static JobEventEnvelope Sized(string jobId, long sequence, int bytes) =>
        new(jobId, sequence, Encoding.UTF8.GetBytes(new string('x', bytes)), new Dictionary<string, string>());

    private static async Task<List<JobEventEnvelope>> ReadAllAsync(IEventStream stream, IReadOnlyList<long> offsets)
    {
        var events = new List<JobEventEnvelope>();
        await foreach (var e in stream.ReadAsync(offsets, CancellationToken.None))
            events.Add(e);
        return events;
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
