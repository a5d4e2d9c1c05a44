namespace Explain.Messaging.Tests;

using System.Diagnostics;

public sealed class TraceContextTests
{
    [Fact]
    public void StartConsumerActivity_HeadersFromInject_ContinuesPublishersTrace()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TraceContext.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var publisher = new Activity("submit").SetIdFormat(ActivityIdFormat.W3C).Start();
        publisher.TraceStateString = "explain=1";
        var headers = TraceContext.Inject(new Dictionary<string, string> { ["model"] = "m" });
        publisher.Stop();

        using var consumer = TraceContext.StartConsumerActivity("explain.jobs process", headers);

        Assert.NotNull(consumer);
        Assert.Equal(publisher.TraceId, consumer.TraceId);
        Assert.Equal(publisher.SpanId, consumer.ParentSpanId);
        Assert.Equal("explain=1", headers[TraceContext.TraceStateHeader]);
        Assert.Equal("m", headers["model"]);
    }

    [Fact]
    public void Inject_NoCurrentActivity_ReturnsHeadersUnchanged()
    {
        Activity.Current = null;
        var headers = new Dictionary<string, string> { ["model"] = "m" };

        Assert.Same(headers, TraceContext.Inject(headers));
        Assert.False(TraceContext.TryExtract(headers, out _));
    }
}
