using Explain.Client;
using Explain.V1;
using Google.Protobuf;

namespace Explain.Jobs.Tests.Support;

/// <summary>Requests the tests send, and helpers to run them to the end.</summary>
public static class Requests
{
    public static ExplainRequest Image(string image = "both.png", string model = RepoPaths.SmallModel, params string[] methods)
    {
        var request = new ExplainRequest { Model = model, Image = ByteString.CopyFrom(File.ReadAllBytes(RepoPaths.Image(image))) };
        request.Methods.AddRange(methods.Length > 0 ? methods : ["gradcam"]);
        return request;
    }

    /// <summary>A job that takes seconds on two cores: Score-CAM (256 masked forward passes) plus faithfulness metrics.</summary>
    public static ExplainRequest Slow()
    {
        var request = Image("both.png", RepoPaths.SlowModel, "scorecam");
        request.Options = new ExplainOptions { Metrics = true };
        return request;
    }

    /// <summary>Every event of an Explain call, through its terminal event.</summary>
    public static async Task<List<JobEvent>> ExplainAllAsync(this ExplainClient client, ExplainRequest request, int timeoutSeconds = 120)
    {
        var events = new List<JobEvent>();
        await foreach (var e in client.ExplainAsync(request, DateTime.UtcNow.AddSeconds(timeoutSeconds)))
            events.Add(e);
        return events;
    }

    /// <summary>An Explain call's HEATMAP events and its last event.</summary>
    public static async Task<(List<Heatmap> Heatmaps, JobEvent? Last)> HeatmapsAsync(this ExplainClient client, ExplainRequest request)
    {
        var events = await client.ExplainAllAsync(request);
        return (events.Where(e => e.KindCase == JobEvent.KindOneofCase.Heatmap).Select(e => e.Heatmap).ToList(), events.LastOrDefault());
    }

    public static async Task<List<JobEvent>> WatchAllAsync(this ExplainClient client, string jobId, long after = 0, int timeoutSeconds = 120)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        var events = new List<JobEvent>();
        await foreach (var e in client.WatchAsync(jobId, after, cancellationToken: timeout.Token))
            events.Add(e);
        return events;
    }

    public static async Task<JobEvent> WaitForAsync(this ExplainClient client, string jobId, JobEvent.KindOneofCase kind, int timeoutSeconds = 60)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        await foreach (var e in client.WatchAsync(jobId, 0, cancellationToken: timeout.Token))
            if (e.KindCase == kind)
                return e;
        throw new Xunit.Sdk.XunitException($"job {jobId} ended without a {kind} event");
    }
}
