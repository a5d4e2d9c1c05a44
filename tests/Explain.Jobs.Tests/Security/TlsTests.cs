using Explain.Client;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Explain.Jobs.Tests.Security;

/// <summary>--tls-cert/--tls-key: the service speaks h2 over TLS; a client trusting the CA file gets through, others do not.</summary>
public sealed class TlsTests(TlsServeFixture server) : IClassFixture<TlsServeFixture>
{
    [Fact]
    public async Task Explain_OverTlsWithTheCaFile_Completed()
    {
        var events = new List<JobEvent>();
        await foreach (var e in server.Client.ExplainAsync(Requests.Image("both.png", RepoPaths.SmallModel, "gradcam"), DateTime.UtcNow.AddMinutes(2)))
            events.Add(e);

        Assert.Equal("https", server.Host.Address.Scheme);
        Assert.Equal(JobEvent.KindOneofCase.Completed, events[^1].KindCase);
    }

    [Fact]
    public async Task ListModels_ClientNotTrustingTheCertificate_RefusedByTheHandshake()
    {
        using var channel = GrpcChannel.ForAddress(server.Host.Address, ExplainChannelConfig.ChannelOptions());
        var client = new ExplainClient(channel.CreateCallInvoker());

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.ListModelsAsync());

        // grpc-dotnet reports a failed handshake as INTERNAL ("Error starting gRPC call") with the TLS error inside.
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.IsType<System.Security.Authentication.AuthenticationException>(ex.Status.DebugException?.InnerException);
    }

    [Fact]
    public async Task ListModels_PlaintextToTheTlsPort_Fails()
    {
        var plain = new UriBuilder(server.Host.Address) { Scheme = "http" }.Uri;
        using var channel = GrpcChannel.ForAddress(plain, ExplainChannelConfig.ChannelOptions());

        var ex = await Assert.ThrowsAsync<RpcException>(() => new ExplainClient(channel.CreateCallInvoker()).ListModelsAsync());

        Assert.NotEqual(StatusCode.OK, ex.StatusCode);
    }
}
