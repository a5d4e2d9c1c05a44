using Explain.Jobs.Tests.Support;
using Explain.V1;
using Grpc.Core;
using Kind = Explain.V1.JobEvent.KindOneofCase;

namespace Explain.Jobs.Tests.Admission;

/// <summary>
/// Oversized request metadata fails the one call while a stream on the same channel (the same
/// HTTP/2 connection) carries on (Hosting/MetadataLimit.cs): over the API's 32 KiB,
/// RESOURCE_EXHAUSTED from our check; over Kestrel's 64 KiB, the client itself refuses the call.
/// </summary>
public sealed class MetadataLimitTests(ServeFixture server) : IClassFixture<ServeFixture>
{
    [Theory]
    [InlineData(40 << 10, StatusCode.ResourceExhausted)]
    [InlineData(20 << 10, StatusCode.ResourceExhausted)] // two fields of 20 KiB: the total counts
    public async Task Call_MetadataOverLimit_ResourceExhaustedOnThatCallOnly(int fieldBytes, StatusCode expected)
    {
        var models = new Explain.V1.Models.ModelsClient(server.Channel);
        var job = await server.Client.SubmitAsync(Requests.Slow());
        await using var watch = server.Client.WatchAsync(job.JobId).GetAsyncEnumerator();
        Assert.True(await watch.MoveNextAsync()); // the stream is open on the connection
        var metadata = new Metadata { { "x-big", new string('a', fieldBytes) } };
        if (fieldBytes < 32 << 10)
            metadata.Add("x-big-2", new string('b', fieldBytes));

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await models.ListAsync(new ListModelsRequest(), metadata));

        Assert.Equal(expected, ex.StatusCode);
        Assert.Contains("metadata", ex.Status.Detail);
        Assert.NotEmpty((await models.ListAsync(new ListModelsRequest())).Models);
        var last = watch.Current;
        while (await watch.MoveNextAsync())
            last = watch.Current;
        Assert.Equal(Kind.Completed, last.KindCase);
    }

    [Fact]
    public async Task Call_MetadataOverKestrelsLimit_FailsThatCallOnly()
    {
        var models = new Explain.V1.Models.ModelsClient(server.Channel);
        var job = await server.Client.SubmitAsync(Requests.Slow());
        await using var watch = server.Client.WatchAsync(job.JobId).GetAsyncEnumerator();
        Assert.True(await watch.MoveNextAsync());
        var metadata = new Metadata { { "x-big", new string('a', 100 << 10) } };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await models.ListAsync(new ListModelsRequest(), metadata));

        // NOTE: pins what happens: Kestrel advertises SETTINGS_MAX_HEADER_LIST_SIZE = 64 KiB and the
        // grpc-dotnet client (SocketsHttpHandler) refuses to send more, failing the call locally with
        // INTERNAL; the connection and its other streams never see it.
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Contains("exceeded the server limit", ex.Status.Detail);
        Assert.NotEmpty((await models.ListAsync(new ListModelsRequest())).Models);
        var last = watch.Current;
        while (await watch.MoveNextAsync())
            last = watch.Current;
        Assert.Equal(Kind.Completed, last.KindCase);
    }

    [Fact]
    public async Task Call_MetadataWithinLimit_Served()
    {
        var models = new Explain.V1.Models.ModelsClient(server.Channel);

        var reply = await models.ListAsync(new ListModelsRequest(), new Metadata { { "x-ok", new string('a', 24 << 10) } });

        Assert.NotEmpty(reply.Models);
    }
}
