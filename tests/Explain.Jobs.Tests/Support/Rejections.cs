using Explain.V1;
using Grpc.Core;
using static Explain.Jobs.Tests.Api.RichStatusTests;

namespace Explain.Jobs.Tests.Support;

/// <summary>The check of every "bad input, nothing queued" test: INVALID_ARGUMENT with one BadRequest field violation, no job and no event added.</summary>
public static class Rejections
{
    /// <summary>Submits <paramref name="request"/>, asserts the refusal names <paramref name="field"/> (and quotes <paramref name="message"/> when given) and that nothing was queued; returns the violation's description.</summary>
    public static async Task<string> AssertInvalidNothingQueuedAsync(this ServeFixture server, ExplainRequest request, string field, string? message = null)
    {
        int events = server.Transport.Events.Count, queued = server.Transport.Jobs.ReadyCount;

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.SubmitAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(Detail<Google.Rpc.BadRequest>(ex.GetRpcStatus()!).FieldViolations);
        Assert.Equal(field, violation.Field);
        if (message is not null)
            Assert.Contains(message, violation.Description);
        Assert.Equal(events, server.Transport.Events.Count);
        Assert.Equal(queued, server.Transport.Jobs.ReadyCount);
        return violation.Description;
    }
}
