using System.Net;
using Explain.Client;
using Grpc.Core;
using Grpc.Net.Client;
using Explain.Imaging;
using Explain.Imaging.Png;
using Explain.Internal.V1;
using Explain.Jobs.Hosting;
using Explain.Jobs.Tests.Support;
using Explain.Messaging;
using Explain.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Kind = Explain.V1.JobEvent.KindOneofCase;

namespace Explain.Jobs.Tests.Safety;

/// <summary>
/// Issue 12 part 6: a job whose input is deterministically bad (it got past ingestion, e.g. queued
/// by an older ingestion with other limits) ends FAILED INVALID_ARGUMENT on its first delivery and
/// is never redelivered.
/// </summary>
public sealed class WorkerFailureTests
{
    public static TheoryData<string, byte[]> BadImages() => new()
    {
        { "65535x1", PngEncoder.Encode(RgbImage.Blank(65535, 1)) },
        { "corrupt", File.ReadAllBytes(RepoPaths.Image("both.png"))[..300] },
    };

    [Theory]
    [MemberData(nameof(BadImages))]
    public async Task Worker_BadImagePastIngestion_FailsInvalidArgumentOnFirstDelivery(string name, byte[] image)
    {
        var transport = new InMemoryTransport();
        string jobId = JobIds.New();
        var request = Requests.Image();
        request.Image = ByteString.CopyFrom(image);
        var job = new JobMessage { JobId = jobId, Request = request, SubmittedUnixMs = EventCodec.NowUnixMs() };
        await transport.Events.PublishAsync(EventCodec.Event(new JobEvent { JobId = jobId, Queued = new Queued() }, EventSequences.Queued), default);
        await transport.Jobs.PublishAsync(new JobEnvelope(jobId, job.ToByteArray(), new Dictionary<string, string>(), null), default);

        var options = new JobsOptions { ModelStore = RepoPaths.ModelStore, MaxDeliveries = 3 };
        await using var host = await ServeHost.StartAsync(new HostArguments(0, null, null, RepoPaths.ModelStore, 1), options, IPAddress.Loopback, l => l.ClearProviders(), transport);
        using var channel = GrpcChannel.ForAddress(host.Address);
        var events = await new ExplainClient(channel.CreateCallInvoker()).WatchAllAsync(jobId);

        Assert.Equal([Kind.Queued, Kind.Started, Kind.Failed], events.Select(e => e.KindCase));
        Assert.Equal(1, events[1].Started.Attempt);
        Assert.True((int)StatusCode.InvalidArgument == events[^1].Failed.Status.Code, $"{name}: {events[^1].Failed.Status}");
    }
}
