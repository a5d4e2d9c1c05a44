using Explain.Client;
using Explain.Jobs.Tests.Support;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;

namespace Explain.Jobs.Tests.Api;

/// <summary>gRPC-Web over HTTP/1.1 (what a browser can speak): unary and server streaming through the same services.</summary>
public sealed class GrpcWebTests(HttpServeFixture server) : IClassFixture<HttpServeFixture>
{
    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task ListAndExplain_OverGrpcWebOnHttp1_Completed(GrpcWebMode mode)
    {
        var options = ExplainChannelConfig.ChannelOptions(new GrpcWebHandler(mode, new HttpClientHandler()));
        options.HttpVersion = new Version(1, 1);
        options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        using var channel = GrpcChannel.ForAddress(server.HttpAddress, options);
        var client = new ExplainClient(channel.CreateCallInvoker());

        var models = await client.ListModelsAsync();
        var events = new List<Explain.V1.JobEvent>();
        await foreach (var e in client.ExplainAsync(Requests.Image("both.png", RepoPaths.SmallModel, "gradcam"), DateTime.UtcNow.AddMinutes(2)))
            events.Add(e);

        Assert.Contains(models, m => m.Name == RepoPaths.SmallModel);
        Assert.Equal(Explain.V1.JobEvent.KindOneofCase.Queued, events[0].KindCase);
        Assert.Equal(Explain.V1.JobEvent.KindOneofCase.Completed, events[^1].KindCase);
    }
}
