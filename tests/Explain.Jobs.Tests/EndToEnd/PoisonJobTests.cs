using System.Net;
using Explain.Client;
using Grpc.Core;
using Grpc.Net.Client;
using Explain.Internal.V1;
using Explain.Jobs.Hosting;
using Explain.Jobs.Tests.Support;
using Explain.Messaging;
using Explain.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Tests.EndToEnd;

public sealed class PoisonJobTests
{
    [Fact]
    public async Task Worker_JobWhoseConsumersKeptDying_EndsFailed()
    {
        var transport = new InMemoryTransport();
        string jobId = JobIds.New();
        var job = new JobMessage { JobId = jobId, Request = Requests.Image(), SubmittedUnixMs = EventCodec.NowUnixMs() };
        await transport.Events.PublishAsync(EventCodec.Event(new JobEvent { JobId = jobId, Queued = new Queued() }, EventSequences.Queued), default);
        await transport.Jobs.PublishAsync(new JobEnvelope(jobId, job.ToByteArray(), new Dictionary<string, string>(), null), default);
        for (int i = 0; i < 3; i++)
            await TakeAndDieAsync(transport);

        var options = new JobsOptions { ModelStore = RepoPaths.ModelStore, MaxDeliveries = 3 };
        await using var host = await ServeHost.StartAsync(new HostArguments(0, null, null, RepoPaths.ModelStore, 1), options, IPAddress.Loopback, l => l.ClearProviders(), transport);
        using var channel = GrpcChannel.ForAddress(host.Address);
        var events = await new ExplainClient(channel.CreateCallInvoker()).WatchAllAsync(jobId);

        Assert.Equal([JobEvent.KindOneofCase.Queued, JobEvent.KindOneofCase.Failed], events.Select(e => e.KindCase));
        Assert.Equal((int)StatusCode.Internal, events[^1].Failed.Status.Code);
        Assert.Contains("4 times", events[^1].Failed.Status.Message);
    }

    /// <summary>A consumer that takes the job and goes away without acknowledging it (as a killed worker does).</summary>
    private static async Task TakeAndDieAsync(InMemoryTransport transport)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await foreach (var delivery in transport.Jobs.ConsumeAsync(1, stop.Token))
            break;
    }
}
