namespace Explain.Messaging.Tests.RabbitMq;

using System.Diagnostics;
using static Explain.Messaging.Tests.TestJobs;

[Collection(BrokerCollection.Name)]
public sealed class RabbitMqJobQueueTests(BrokerFixture broker)
{
    [Fact]
    public async Task PublishAsync_ThenConsume_DeliversJobWithHeadersDeadlineAndTraceContext()
    {
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 60_000);
        var job = Job("a") with { Headers = new Dictionary<string, string> { ["model"] = "resnet18" }, Deadline = deadline };
        using var activity = new Activity("submit").SetIdFormat(ActivityIdFormat.W3C).Start();
        await transport.Jobs.PublishAsync(job, CancellationToken.None);
        activity.Stop();

        await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();
        var delivery = await NextAsync(consumer);
        await delivery.AckAsync();

        Assert.Equal("a", delivery.Job.JobId);
        Assert.Equal("body-a"u8.ToArray(), delivery.Job.Body.ToArray());
        Assert.Equal(1, delivery.DeliveryCount);
        Assert.Equal(deadline, delivery.Job.Deadline);
        Assert.Equal("resnet18", delivery.Job.Headers["model"]);
        Assert.True(TraceContext.TryExtract(delivery.Job.Headers, out var parent));
        Assert.Equal(activity.TraceId, parent.TraceId);
        Assert.Equal(activity.SpanId, parent.SpanId);
    }

    [Fact]
    public async Task AckAsync_Twice_ThrowsAndChannelKeepsWorking()
    {
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();
        var delivery = await NextAsync(consumer);
        await delivery.AckAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(delivery.AckAsync);
        await transport.Jobs.PublishAsync(Job("b"), CancellationToken.None);
        var next = await NextAsync(consumer);
        await next.AckAsync();

        Assert.Equal(("b", 1), (next.Job.JobId, next.DeliveryCount));
    }

    [Fact]
    public async Task ConsumeAsync_ConsumerDiesWithoutAck_RedeliversWithCountTwo()
    {
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        await using (var dying = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator())
            Assert.Equal(1, (await NextAsync(dying)).DeliveryCount); // disposing closes its channel, no ack

        await using var survivor = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();
        var redelivered = await NextAsync(survivor);
        await redelivered.AckAsync();

        Assert.Equal("a", redelivered.Job.JobId);
        Assert.Equal(2, redelivered.DeliveryCount);
    }

    [Fact]
    public async Task ConsumeAsync_DeliveryLimitReached_DeadLettersJob()
    {
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options(deliveryLimit: 2));
        await transport.Jobs.PublishAsync(Job("poison"), CancellationToken.None);
        var counts = new List<int>();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();
            counts.Add((await NextAsync(consumer)).DeliveryCount);
        }

        await using var dead = transport.Jobs.ConsumeDeadLettersAsync(CancellationToken.None).GetAsyncEnumerator();
        var deadJob = await NextAsync(dead);
        await deadJob.AckAsync();
        var quiet = await StaysQuietAsync(ct => transport.Jobs.ConsumeAsync(1, ct), TimeSpan.FromMilliseconds(500));

        Assert.Equal([1, 2], counts);
        Assert.Equal("poison", deadJob.Job.JobId);
        Assert.Equal("body-poison"u8.ToArray(), deadJob.Job.Body.ToArray());
        Assert.True(quiet, "the job was delivered a third time");
    }

    [Fact]
    public async Task RejectAsync_WithoutRequeue_DeadLettersJob()
    {
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();

        await (await NextAsync(consumer)).RejectAsync(requeue: false);
        await using var dead = transport.Jobs.ConsumeDeadLettersAsync(CancellationToken.None).GetAsyncEnumerator();

        Assert.Equal("a", (await NextAsync(dead)).Job.JobId);
    }

    [Fact]
    public async Task PublishAsync_QueueAtCapacity_ThrowsQueueFullException()
    {
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options(capacity: 3));
        var accepted = 0;
        QueueFullException? full = null;
        for (var i = 0; i < 6 && full is null; i++)
        {
            try
            {
                await transport.Jobs.PublishAsync(Job($"j{i}"), CancellationToken.None);
                accepted++;
            }
            catch (QueueFullException e)
            {
                full = e;
            }
        }

        Assert.NotNull(full);
        // NOTE: a quorum queue turns to reject-publish once its length exceeds x-max-length, so
        // one sequential publish past the capacity is still accepted (RabbitMQ 3.10, measured).
        Assert.InRange(accepted, 3, 4);
        await using var consumer = transport.Jobs.ConsumeAsync(accepted, CancellationToken.None).GetAsyncEnumerator();
        for (var i = 0; i < accepted; i++)
            await (await NextAsync(consumer)).AckAsync();
        await transport.Jobs.PublishAsync(Job("after"), CancellationToken.None); // room again: accepted
    }

    [Fact]
    public async Task ConsumeAsync_TwoConsumers_ShareJobsEachDeliveredOnce()
    {
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        for (var i = 0; i < 40; i++)
            await transport.Jobs.PublishAsync(Job($"j{i}"), CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();

        async Task RunAsync(int consumer)
        {
            try
            {
                await foreach (var delivery in transport.Jobs.ConsumeAsync(2, cts.Token))
                {
                    Assert.True(seen.TryAdd(delivery.Job.JobId, consumer), $"{delivery.Job.JobId} delivered twice");
                    await Task.Delay(5);
                    await delivery.AckAsync();
                    if (seen.Count == 40)
                        await cts.CancelAsync();
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
        await Task.WhenAll(RunAsync(1), RunAsync(2)).WaitAsync(Timeout);

        Assert.Equal(40, seen.Count);
        Assert.Equal(2, seen.Values.Distinct().Count());
    }

    [Fact]
    public async Task ConsumeAsync_PrefetchReached_WaitsForAckBeforeNextDelivery()
    {
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        for (var i = 0; i < 3; i++)
            await transport.Jobs.PublishAsync(Job($"j{i}"), CancellationToken.None);
        await using var consumer = transport.Jobs.ConsumeAsync(2, CancellationToken.None).GetAsyncEnumerator();
        var first = await NextAsync(consumer);
        await NextAsync(consumer);

        var (quiet, pending) = await IsQuietAsync(consumer, TimeSpan.FromMilliseconds(300));
        await first.AckAsync();

        Assert.True(quiet);
        Assert.True(await pending.WaitAsync(Timeout));
        Assert.Equal("j2", consumer.Current.Job.JobId);
    }
}
