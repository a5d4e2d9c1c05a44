using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Explain.Grpc.Client;
using Explain.Grpc.Tests.Support;
using Explain.Testing.V1;

namespace Explain.Grpc.Tests.EndToEnd;

public sealed class TlsTests
{
    [Fact]
    public async Task UnaryEcho_TlsWithAlpnH2_Succeeds()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await TestGrpcServer.StartAsync(certificate: certificate);
        SslApplicationProtocol? negotiated = null;
        var options = new GrpcChannelOptions
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (sender, cert, chain, errors) =>
                {
                    negotiated = ((SslStream)sender).NegotiatedApplicationProtocol;
                    return cert?.GetCertHashString() == certificate.GetCertHashString();
                },
            },
        };
        using var channel = GrpcChannel.ForAddress(server.Address, options);

        var response = await channel.UnaryCall(EchoMethods.UnaryEcho, new EchoRequest { Message = "secure" },
            CallOptions.Default.WithTimeout(TimeSpan.FromSeconds(10)));

        Assert.StartsWith("https://", server.Address.ToString(), StringComparison.Ordinal);
        Assert.Equal("secure", response.Message);
        Assert.Equal(SslApplicationProtocol.Http2, negotiated);
    }
}
