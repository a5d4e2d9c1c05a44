using Grpc.Core;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Google.Protobuf;

namespace Explain.Jobs.Tests.EndToEnd;

/// <summary>
/// Each bad request gets its status code and leaves the queue and the events stream untouched.
/// Images over the pixel/byte limits are INVALID_ARGUMENT (retrying cannot help), a request over
/// the message size limit RESOURCE_EXHAUSTED (the transport refuses it before parsing).
/// </summary>
public sealed class BadRequestTests(SmallLimitsServeFixture server) : IClassFixture<SmallLimitsServeFixture>
{
    [Fact]
    public Task Submit_UnknownModel_NotFound() =>
        AssertRejected(Requests.Image("both.png", "no_such_model"), StatusCode.NotFound);

    [Fact]
    public Task Submit_UnknownLayer_InvalidArgument()
    {
        var request = Requests.Image();
        request.Layers.Add("no/such/layer");
        return AssertRejected(request, StatusCode.InvalidArgument);
    }

    [Fact]
    public Task Submit_UnknownMethod_InvalidArgument() =>
        AssertRejected(Requests.Image("both.png", RepoPaths.SmallModel, "gradcam", "magiccam"), StatusCode.InvalidArgument);

    [Fact]
    public Task Submit_UndecodableImage_InvalidArgument()
    {
        var request = Requests.Image();
        request.Image = ByteString.CopyFrom(request.Image.Span[..1000]);
        return AssertRejected(request, StatusCode.InvalidArgument);
    }

    [Fact]
    public Task Submit_NotAnImage_InvalidArgument()
    {
        var request = Requests.Image();
        request.Image = ByteString.CopyFromUtf8("hello, I am not a picture");
        return AssertRejected(request, StatusCode.InvalidArgument);
    }

    [Fact]
    public Task Submit_ImageOverPixelLimit_InvalidArgument() =>
        AssertRejected(Requests.Image("horses.jpg"), StatusCode.InvalidArgument); // 425 × 280 > 100 000 pixels here

    [Fact]
    public Task Submit_EmptyRequest_InvalidArgument() =>
        AssertRejected(new ExplainRequest(), StatusCode.InvalidArgument);

    [Fact]
    public Task Submit_ClassOutsideModel_InvalidArgument()
    {
        var request = Requests.Image();
        request.Targets = new Targets { Classes = { 5000 } };
        return AssertRejected(request, StatusCode.InvalidArgument);
    }

    [Fact]
    public Task Submit_DeadlineAlreadyPassed_DeadlineExceeded()
    {
        var request = Requests.Image();
        request.DeadlineUnixMs = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds();
        return AssertRejected(request, StatusCode.DeadlineExceeded);
    }

    [Fact]
    public Task Submit_OversizeMessage_ResourceExhausted()
    {
        var request = Requests.Image();
        request.Image = ByteString.CopyFrom(new byte[17 << 20]);
        return AssertRejected(request, StatusCode.ResourceExhausted);
    }

    [Fact]
    public async Task Explain_UnknownModel_NotFoundBeforeAnyEvent()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in server.Client.ExplainAsync(Requests.Image("both.png", "nope")))
                Assert.Fail("no event expected");
        });

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Watch_MalformedJobId_InvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.WatchAllAsync("../etc/passwd"));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task Get_UnknownJob_NotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.GetAsync(JobIds.New()));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    private async Task AssertRejected(ExplainRequest request, StatusCode expected)
    {
        int events = server.Transport.Events.Count, queued = server.Transport.Jobs.ReadyCount;

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.SubmitAsync(request));

        Assert.Equal(expected, ex.StatusCode);
        Assert.Equal(events, server.Transport.Events.Count);
        Assert.Equal(queued, server.Transport.Jobs.ReadyCount);
    }
}
