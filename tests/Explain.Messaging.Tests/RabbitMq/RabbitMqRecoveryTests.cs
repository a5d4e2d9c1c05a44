namespace Explain.Messaging.Tests.RabbitMq;

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using static Explain.Messaging.Tests.TestJobs;

[Collection(BrokerCollection.Name)]
public sealed class RabbitMqRecoveryTests(BrokerFixture broker)
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task BrokerRestart_MidStream_ReconnectsAndLosesNoJobOrEvent()
    {
        using var reconnects = new ReconnectListener();
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        using var stop = new CancellationTokenSource();
        var acked = new ConcurrentDictionary<string, int>();
        var events = new ConcurrentQueue<long>();
        var worker = Task.Run(async () =>
        {
            await foreach (var delivery in transport.Jobs.ConsumeAsync(2, stop.Token))
            {
                await delivery.AckAsync();
                acked.AddOrUpdate(delivery.Job.JobId, 1, (_, n) => n + 1);
            }
        });
        var results = Task.Run(async () =>
        {
            await foreach (var jobEvent in transport.Events.SubscribeAsync(stop.Token))
                events.Enqueue(jobEvent.Sequence);
        });
        for (var i = 0; i < 5; i++)
        {
            await transport.Jobs.PublishAsync(Job($"before{i}"), CancellationToken.None);
            await transport.Events.PublishAsync(Event("e", i), CancellationToken.None);
        }
        await WaitUntilAsync(() => acked.Count == 5 && events.Count == 5, Timeout);

        await broker.CtlAsync("stop_app");
        var duringOutage = transport.Jobs.PublishAsync(Job("during"), CancellationToken.None); // waits for recovery
        await broker.CtlAsync("start_app");
        await duringOutage.WaitAsync(RecoveryTimeout);
        await WaitUntilAsync(() => transport.IsConnected && transport.Metrics.Reconnects >= 1, RecoveryTimeout);
        for (var i = 0; i < 5; i++)
        {
            await transport.Jobs.PublishAsync(Job($"after{i}"), CancellationToken.None);
            await transport.Events.PublishAsync(Event("e", 5 + i), CancellationToken.None);
        }
        await WaitUntilAsync(() => acked.Count == 11 && events.Count >= 10, RecoveryTimeout);
        await stop.CancelAsync();
        await Task.WhenAll(worker, results).ContinueWith(_ => { }, TaskScheduler.Default);

        var published = Enumerable.Range(0, 5).SelectMany(i => new[] { $"before{i}", $"after{i}" }).Append("during");
        Assert.Equal(published.Order(), acked.Keys.Order());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), events); // each event once, in order
        Assert.True(transport.Metrics.Reconnects >= 1);
        Assert.True(reconnects.Total >= 1, "no explain.broker.reconnects measurement");
    }

    [Fact]
    public async Task PublishAsync_PipelinedAcrossBrokerRestart_EveryEventArrivesFirstCopiesInCallOrder()
    {
        // A worker starts a job's events without awaiting each confirm; a broker restart in the
        // middle must neither lose one nor let a re-sent one overtake a later one.
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        const int Count = 400;
        var confirms = new List<Task>(Count);
        Task? stopping = null;
        for (var i = 0; i < Count; i++)
        {
            confirms.Add(transport.Events.PublishAsync(Event("job", i), CancellationToken.None));
            if (i == 100)
                stopping = broker.CtlAsync("stop_app");
            if (i == 200)
                await stopping!;
            if (i == 300)
                await broker.CtlAsync("start_app");
        }
        await Task.WhenAll(confirms).WaitAsync(RecoveryTimeout);

        var firstCopies = new List<long>();
        var seen = new HashSet<long>();
        using var stop = new CancellationTokenSource(RecoveryTimeout);
        await foreach (var jobEvent in transport.Events.SubscribeAsync(stop.Token))
        {
            if (seen.Add(jobEvent.Sequence))
                firstCopies.Add(jobEvent.Sequence);
            if (seen.Count == Count)
                break;
        }

        Assert.Equal(Enumerable.Range(0, Count).Select(i => (long)i), firstCopies);
    }

    [Fact]
    public async Task AckAsync_DeliveryFromBeforeRestart_JobRedeliveredAndConsumerKeepsWorking()
    {
        await using var transport = await RabbitMqTransport.ConnectAsync(broker.Options());
        await transport.Jobs.PublishAsync(Job("held"), CancellationToken.None);
        await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();
        var stale = await NextAsync(consumer);

        await broker.CtlAsync("stop_app");
        await broker.CtlAsync("start_app");
        await WaitUntilAsync(() => transport.IsConnected, RecoveryTimeout);
        await stale.AckAsync(); // the broker returned the job when the connection dropped; this ack must not break the channel
        var again = await NextAsync(consumer);
        await again.AckAsync();
        await transport.Jobs.PublishAsync(Job("next"), CancellationToken.None);
        var next = await NextAsync(consumer);
        await next.AckAsync();

        Assert.Equal(("held", 2), (again.Job.JobId, again.DeliveryCount));
        Assert.Equal(("next", 1), (next.Job.JobId, next.DeliveryCount));
    }

    [Fact]
    public async Task ConnectAsync_BrokerDownAtStart_ConnectsOnceItIsUp()
    {
        var options = broker.Options();
        await broker.CtlAsync("stop_app");
        Task<RabbitMqTransport> connecting;
        try
        {
            connecting = RabbitMqTransport.ConnectAsync(options);
            await Task.Delay(1000);
            Assert.False(connecting.IsCompleted, "connected while the broker was down");
        }
        finally
        {
            await broker.CtlAsync("start_app");
        }

        await using var transport = await connecting.WaitAsync(RecoveryTimeout);
        await transport.Jobs.PublishAsync(Job("a"), CancellationToken.None);
        await using var consumer = transport.Jobs.ConsumeAsync(1, CancellationToken.None).GetAsyncEnumerator();

        Assert.Equal("a", (await NextAsync(consumer)).Job.JobId);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var giveUp = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, "condition not met in time");
            await Task.Delay(50);
        }
    }

    /// <summary>Sums explain.broker.reconnects as an exporter would see it.</summary>
    private sealed class ReconnectListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public ReconnectListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MessagingMetrics.MeterName && instrument.Name == "explain.broker.reconnects")
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
