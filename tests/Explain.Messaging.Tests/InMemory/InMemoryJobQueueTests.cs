namespace Explain.Messaging.Tests.InMemory;

using static Explain.Messaging.Tests.TestJobs;

public sealed class InMemoryJobQueueTests
{
    [Fact]
    public async Task PublishAsync_ThenConsume_DeliversJobOnceWithCountOne()
    {
        await using var transport = new InMemoryTransport();
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);

        await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();
        var delivery = await NextAsync(consumer);
        await delivery.AckAsync();

        Assert.Equal("a", delivery.Job.JobId);
        Assert.Equal("body-a"u8.ToArray(), delivery.Job.Body.ToArray());
        Assert.Equal(1, delivery.DeliveryCount);
        Assert.Equal(0, transport.Jobs.ReadyCount);
    }

    [Fact]
    public async Task PublishAsync_QueueAtCapacity_ThrowsQueueFullException()
    {
        await using var transport = new InMemoryTransport(new InMemoryTransportOptions { Capacity = 2 });
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        await transport.Jobs.PublishAsync(Job("b"), CancellationToken.None);

        await Assert.ThrowsAsync<QueueFullException>(() => transport.Jobs.PublishAsync(Job("c"), CancellationToken.None));
        Assert.Equal(2, transport.Jobs.ReadyCount);
    }

    [Fact]
    public async Task PublishAsync_AfterConsumerTookJob_AcceptsAgain()
    {
        await using var transport = new InMemoryTransport(new InMemoryTransportOptions { Capacity = 1 });
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();
        await NextAsync(consumer);

        await transport.Jobs.PublishAsync(Job("b"), CancellationToken.None);

        Assert.Equal(1, transport.Jobs.ReadyCount);
    }

    [Fact]
    public async Task ConsumeAsync_TwoConsumers_EachJobGoesToExactlyOne()
    {
        await using var transport = new InMemoryTransport();
        for (var i = 0; i < 100; i++)
            await transport.Jobs.PublishAsync(Job($"j{i}"), CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var seen = new System.Collections.Concurrent.ConcurrentBag<(int Consumer, string JobId)>();

        async Task RunAsync(int consumer)
        {
            try
            {
                await foreach (var delivery in transport.Jobs.ConsumeAsync(4, cts.Token))
                {
                    seen.Add((consumer, delivery.Job.JobId));
                    await Task.Yield();
                    await delivery.AckAsync();
                    if (seen.Count == 100)
                        await cts.CancelAsync();
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
        await Task.WhenAll(RunAsync(1), RunAsync(2)).WaitAsync(Timeout);

        Assert.Equal(100, seen.Count);
        Assert.Equal(100, seen.Select(s => s.JobId).Distinct().Count());
    }

    [Fact]
    public async Task ConsumeAsync_FirstConsumerAtPrefetch_NextJobGoesToSecondConsumer()
    {
        await using var transport = new InMemoryTransport();
        for (var i = 0; i < 3; i++)
            await transport.Jobs.PublishAsync(Job($"j{i}"), CancellationToken.None);
        await using var first = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();
        await using var second = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();

        var a = await NextAsync(first);
        var b = await NextAsync(second);
        await a.AckAsync();
        var c = await NextAsync(first);
        await b.AckAsync();
        await c.AckAsync();

        Assert.Equal(["j0", "j1", "j2"], new[] { a, b, c }.Select(d => d.Job.JobId));
    }

    [Fact]
    public async Task ConsumeAsync_PrefetchReached_WaitsForAckBeforeNextDelivery()
    {
        await using var transport = new InMemoryTransport();
        for (var i = 0; i < 3; i++)
            await transport.Jobs.PublishAsync(Job($"j{i}"), CancellationToken.None);
        await using var consumer = transport.Jobs.ConsumeAsync(2, CancellationToken.None).GetAsyncEnumerator();
        var first = await NextAsync(consumer);
        await NextAsync(consumer);

        var (quiet, pending) = await IsQuietAsync(consumer, TimeSpan.FromMilliseconds(200));
        await first.AckAsync();

        Assert.True(quiet);
        Assert.True(await pending.WaitAsync(Timeout));
        Assert.Equal("j2", consumer.Current.Job.JobId);
    }

    [Fact]
    public async Task ConsumeAsync_EnumerationEndsWithoutAck_RedeliversWithCountTwo()
    {
        await using var transport = new InMemoryTransport();
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        await using (var dying = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator())
            Assert.Equal(1, (await NextAsync(dying)).DeliveryCount);

        await using var survivor = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();
        var redelivered = await NextAsync(survivor);

        Assert.Equal("a", redelivered.Job.JobId);
        Assert.Equal(2, redelivered.DeliveryCount);
    }

    [Fact]
    public async Task ConsumeAsync_CancelledWhileHoldingJob_RedeliversIt()
    {
        await using var transport = new InMemoryTransport();
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        using var cts = new CancellationTokenSource();
        await using var dying = transport.Jobs.ConsumeAsync(2, cts.Token).GetAsyncEnumerator();
        await NextAsync(dying);

        var pending = dying.MoveNextAsync().AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        Assert.Equal(1, transport.Jobs.ReadyCount);
    }

    [Fact]
    public async Task ConsumeAsync_DeliveryLimitReached_DeadLettersJob()
    {
        await using var transport = new InMemoryTransport(new InMemoryTransportOptions { DeliveryLimit = 3 });
        await transport.Jobs.PublishAsync(Job("poison"), CancellationToken.None);
        var counts = new List<int>();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();
            counts.Add((await NextAsync(consumer)).DeliveryCount);
        }

        Assert.Equal([1, 2, 3], counts);
        Assert.Equal(0, transport.Jobs.ReadyCount);
        Assert.Equal("poison", Assert.Single(transport.Jobs.DeadLetters).JobId);
    }

    [Fact]
    public async Task RejectAsync_WithoutRequeue_DeadLettersJob()
    {
        await using var transport = new InMemoryTransport();
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();

        await (await NextAsync(consumer)).RejectAsync(requeue: false);

        Assert.Equal("a", Assert.Single(transport.Jobs.DeadLetters).JobId);
        Assert.Equal(0, transport.Jobs.ReadyCount);
    }

    [Fact]
    public async Task ConsumeDeadLettersAsync_AfterReject_DeliversDeadJobUntilAcked()
    {
        await using var transport = new InMemoryTransport();
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        await using (var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator())
            await (await NextAsync(consumer)).RejectAsync(requeue: false);

        await using var dead = transport.Jobs.ConsumeDeadLettersAsync(CancellationToken.None).GetAsyncEnumerator();
        var deadJob = await NextAsync(dead);
        await deadJob.AckAsync();

        Assert.Equal("a", deadJob.Job.JobId);
        Assert.Empty(transport.Jobs.DeadLetters);
    }

    [Fact]
    public async Task PublishAsync_WithinActivity_CarriesW3CTraceContext()
    {
        await using var transport = new InMemoryTransport();
        using var activity = new System.Diagnostics.Activity("submit").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        activity.Stop();

        await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();
        var delivery = await NextAsync(consumer);

        Assert.True(TraceContext.TryExtract(delivery.Job.Headers, out var parent));
        Assert.Equal(activity.TraceId, parent.TraceId);
        Assert.Equal(activity.SpanId, parent.SpanId);
    }

    [Fact]
    public async Task RejectAsync_WithRequeue_RedeliversWithHigherCount()
    {
        await using var transport = new InMemoryTransport();
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();

        await (await NextAsync(consumer)).RejectAsync(requeue: true);
        var again = await NextAsync(consumer);

        Assert.Equal("a", again.Job.JobId);
        Assert.Equal(2, again.DeliveryCount);
    }

    [Fact]
    public async Task AckAsync_Twice_ThrowsInvalidOperation()
    {
        await using var transport = new InMemoryTransport();
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();
        var delivery = await NextAsync(consumer);
        await delivery.AckAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(delivery.AckAsync);
    }

    [Fact]
    public async Task AckAsync_AfterConsumerEnded_IgnoredAndJobRedelivered()
    {
        await using var transport = new InMemoryTransport();
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        JobDelivery stale;
        await using (var dying = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator())
            stale = await NextAsync(dying);

        await stale.AckAsync();
        await using var survivor = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();

        Assert.Equal(("a", 2), ((await NextAsync(survivor)).Job.JobId, survivor.Current.DeliveryCount));
    }

    [Fact]
    public async Task DisposeAsync_ConsumerWaiting_EndsEnumeration()
    {
        var transport = new InMemoryTransport();
        await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();
        var pending = consumer.MoveNextAsync().AsTask();

        await transport.DisposeAsync();

        Assert.False(await pending.WaitAsync(Timeout));
    }
}
