using System.Diagnostics;
using Explain.Telemetry.Propagation;

namespace Explain.Telemetry.Tests.Propagation;

public sealed class TraceContextPropagationTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string SpanId = "00f067aa0ba902b7";

    [Fact]
    public void Inject_SampledContextWithState_W3CHeaders()
    {
        var context = new ActivityContext(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(SpanId),
            ActivityTraceFlags.Recorded, "congo=t61rcWkgMzE");
        var headers = new Dictionary<string, string>();

        TraceContextPropagation.Inject(context, headers);

        Assert.Equal($"00-{TraceId}-{SpanId}-01", headers["traceparent"]);
        Assert.Equal("congo=t61rcWkgMzE", headers["tracestate"]);
    }

    [Fact]
    public void Inject_DefaultContext_WritesNothing()
    {
        var headers = new Dictionary<string, string>();

        TraceContextPropagation.Inject(default, headers);

        Assert.Empty(headers);
    }

    [Fact]
    public void Inject_CurrentActivity_ThenExtract_SameTraceRemoteParent()
    {
        using var activity = new Activity("publish").SetIdFormat(ActivityIdFormat.W3C).Start();
        var headers = new Dictionary<string, string>();

        TraceContextPropagation.Inject(headers);
        var found = TraceContextPropagation.TryExtract(headers, out var extracted);

        Assert.True(found);
        Assert.Equal(activity.TraceId, extracted.TraceId);
        Assert.Equal(activity.SpanId, extracted.SpanId);
        Assert.True(extracted.IsRemote);
    }

    [Fact]
    public void TryExtract_UnsampledWithState_FlagsAndStateRead()
    {
        var headers = new Dictionary<string, string>
        {
            ["TraceParent"] = $"00-{TraceId}-{SpanId}-00",
            ["tracestate"] = "rojo=00f067aa0ba902b7",
        };

        Assert.True(TraceContextPropagation.TryExtract(headers, out var context));
        Assert.Equal(TraceId, context.TraceId.ToHexString());
        Assert.Equal(SpanId, context.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.None, context.TraceFlags);
        Assert.Equal("rojo=00f067aa0ba902b7", context.TraceState);
    }

    [Fact]
    public void TryExtract_FutureVersionWithExtraField_ReadsFirstFourFields()
    {
        var headers = new Dictionary<string, string> { ["traceparent"] = $"cc-{TraceId}-{SpanId}-09-whatever" };

        Assert.True(TraceContextPropagation.TryExtract(headers, out var context));
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")]
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")]
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra")]
    [InlineData("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g")]
    public void TryExtract_MalformedTraceParent_False(string traceParent)
    {
        var headers = new Dictionary<string, string> { ["traceparent"] = traceParent };

        Assert.False(TraceContextPropagation.TryExtract(headers, out var context));
        Assert.Equal(default, context);
    }

    [Fact]
    public void TryExtract_NoHeader_False()
    {
        Assert.False(TraceContextPropagation.TryExtract(new Dictionary<string, string>(), out _));
    }
}
