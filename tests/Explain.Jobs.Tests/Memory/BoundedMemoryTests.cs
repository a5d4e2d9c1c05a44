using System.Diagnostics;
using Explain.Imaging;
using Explain.Jobs.Tests.Safety;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Grpc.Core;
using Kind = Explain.V1.JobEvent.KindOneofCase;

namespace Explain.Jobs.Tests.Memory;

/// <summary>
/// Issue 12 part 5 on `explain serve`'s host (in-memory transport): the results index keeps a big
/// job's heatmaps as offsets into the events log and Get/Watch read them back; overlays are at
/// most 1024 pixels on the long side; a Watch client that reads nothing is ended with
/// RESOURCE_EXHAUSTED and can resume; abandoned Watch streams hold a bounded amount, freed on close.
/// </summary>
[Collection(ProcessMeasurementCollection.Name)]
public sealed class BoundedMemoryTests(BoundedMemoryServeFixture server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<BoundedMemoryServeFixture>
{
    private const int Streams = 15;

    [Fact]
    public async Task BigPhotoTopK20_IndexKeepsOffsets_WatchAndGetReplayEveryHeatmap()
    {
        string jobId = await server.BigJobAsync();

        var watched = await server.Client.WatchAllAsync(jobId);
        var got = await server.Client.GetAsync(jobId);
        var record = server.Index.Find(jobId)!;
        output.WriteLine($"{watched.Count} events, {record.StreamBytes} bytes on the stream, {record.InlineBytesHeld} bytes held whole by the index");
        var stored = record.After(0).Events;
        var heatmaps = watched.Where(e => e.KindCase == Kind.Heatmap).ToList();
        var overlay = ImageDecoder.Decode(heatmaps[0].Heatmap.OverlayPng.Span);

        Assert.Equal(Kind.Completed, watched[^1].KindCase);
        Assert.Equal(BigPhoto.TopK, heatmaps.Count);
        Assert.Equal(watched, got.Events);
        Assert.Equal(JobState.Completed, got.State);
        Assert.All(heatmaps, h => Assert.Equal(224 * 224, h.Heatmap.Map.Count));
        // 3000 x 2250 scaled so the long side is JobLimits.MaxOverlaySide (1024): 1024 x 768.
        Assert.Equal((1024, 768), (overlay.Width, overlay.Height));
        // Every heatmap is only an offset in the index; what it keeps whole is the small events.
        Assert.Equal(BigPhoto.TopK, stored.Count(e => e.IsReference));
        Assert.True(record.InlineBytesHeld < 64 << 10, $"the index holds {record.InlineBytesHeld} bytes of the job whole");
        Assert.True(record.StreamBytes > 4L << 20, $"the job's events are {record.StreamBytes} bytes on the stream");
    }

    [Fact]
    public async Task Watch_ClientReadsNothing_EndedResourceExhaustedWithAfterSequence_ResumeGetsTheRest()
    {
        string jobId = await server.BigJobAsync();
        int total = (await server.Client.GetAsync(jobId)).Events.Count;
        var results = new Explain.V1.Results.ResultsClient(server.Channel);

        using var call = results.Watch(new WatchRequest { JobId = jobId });
        // The client reads nothing for longer than the stall timeout (but less than twice it: then it is reset).
        await Task.Delay(BoundedMemoryServeFixture.WatchStall * 1.5);
        var first = new List<JobEvent>();
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
                first.Add(call.ResponseStream.Current);
        });
        Assert.True(ended.StatusCode == StatusCode.ResourceExhausted && ended.Status.Detail.Contains("after_sequence=", StringComparison.Ordinal), ended.Status.ToString());
        long resumeAfter = long.Parse(ended.Status.Detail.Split("after_sequence=")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var rest = await server.Client.WatchAllAsync(jobId, resumeAfter);

        Assert.True(first.Count < total, $"the stalled stream delivered all {total} events");
        Assert.Equal(first.Count, resumeAfter);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), first.Concat(rest).Select(e => e.Sequence));
        Assert.Equal(Kind.Completed, rest[^1].KindCase);
    }

    [Fact]
    public async Task FifteenAbandonedWatchStreams_RssBoundedWhileOpenAndBackAfterClose()
    {
        string jobId = await server.BigJobAsync();
        var results = new Explain.V1.Results.ResultsClient(server.Channel);
        await server.Client.WatchAllAsync(jobId); // warm: every code path of a full replay jitted
        long idle = Rss();
        long largest = (await server.Client.GetAsync(jobId)).Events.Max(e => (long)e.CalculateSize());

        var calls = Enumerable.Range(0, Streams).Select(_ => results.Watch(new WatchRequest { JobId = jobId })).ToList();
        await Task.Delay(BoundedMemoryServeFixture.WatchStall * 1.5);
        long open = Rss();
        await Task.Delay(BoundedMemoryServeFixture.WatchStall); // past twice the stall: the server has reset them
        var statuses = new List<StatusCode>();
        foreach (var call in calls)
        {
            statuses.Add((await Assert.ThrowsAsync<RpcException>(() => Drain(call))).StatusCode);
            call.Dispose();
        }
        long closed = Rss();

        // NOTE: bound while open: each stream holds at most its buffer (one batch: 4 MiB or one event) plus
        // the event being written, and the 64 KiB HTTP/2 window on the client side; 48 MiB of slack
        // for the runtime's own growth. The old index pinned each job's whole ~170 MB history per stream.
        long openBound = Streams * (BoundedMemoryServeFixture.WatchBufferBytes + largest + (64 << 10)) + (48L << 20);
        Assert.True(open - idle <= openBound, $"open: +{(open - idle) >> 20} MB over idle {idle >> 20} MB (bound {openBound >> 20} MB)");
        output.WriteLine($"RSS idle {idle >> 20} MB, {Streams} streams open +{(open - idle) >> 20} MB (bound {openBound >> 20} MB), closed +{(closed - idle) >> 20} MB; largest event {largest >> 10} KiB");
        Assert.All(statuses, code => Assert.Equal(StatusCode.ResourceExhausted, code));
        // After close: back within 64 MiB of idle (pooled buffers Kestrel may keep for a while).
        Assert.True(closed - idle <= 64L << 20, $"closed: +{(closed - idle) >> 20} MB over idle {idle >> 20} MB");
    }

    private static async Task Drain(AsyncServerStreamingCall<JobEvent> call)
    {
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
        }
    }

    private static long Rss()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
