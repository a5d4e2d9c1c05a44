using Explain.Client;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Explain.Jobs.Tests.Security;

/// <summary>--tls-client-ca: only callers presenting a client certificate from the configured CA get through; probes stay open.</summary>
public sealed class MutualTlsTests(MutualTlsServeFixture server) : IClassFixture<MutualTlsServeFixture>
{
    [Fact]
    public async Task Explain_WithAClientCertificateFromTheCa_Completed()
    {
        var events = new List<JobEvent>();
        await foreach (var e in server.Client.ExplainAsync(Requests.Image("both.png", RepoPaths.SmallModel, "gradcam"), DateTime.UtcNow.AddMinutes(2)))
            events.Add(e);

        Assert.Equal(JobEvent.KindOneofCase.Completed, events[^1].KindCase);
    }

    [Fact]
    public async Task ListModels_WithoutAClientCertificate_Unauthenticated()
    {
        using var channel = GrpcChannel.ForAddress(server.Host.Address, server.ChannelOptions(null));

        var ex = await Assert.ThrowsAsync<RpcException>(() => new ExplainClient(channel.CreateCallInvoker()).ListModelsAsync());

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task ListModels_CertificateFromAnotherCa_RefusedByTheHandshake()
    {
        using var channel = GrpcChannel.ForAddress(server.Host.Address, server.ChannelOptions(server.StrangerClient));

        var ex = await Assert.ThrowsAsync<RpcException>(() => new ExplainClient(channel.CreateCallInvoker()).ListModelsAsync());

        // The server rejects the certificate during the handshake: the call never reaches a service.
        Assert.True(ex.StatusCode is StatusCode.Internal or StatusCode.Unavailable, ex.ToString());
    }

    [Fact]
    public async Task Health_WithoutAClientCertificate_Serving()
    {
        using var channel = GrpcChannel.ForAddress(server.Host.Address, server.ChannelOptions(null));

        var reply = await new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }
}
