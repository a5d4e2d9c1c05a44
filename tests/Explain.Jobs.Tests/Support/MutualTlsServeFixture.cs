using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Explain.Client;
using Explain.Jobs.Hosting;
using Grpc.Net.Client;

namespace Explain.Jobs.Tests.Support;

/// <summary>
/// `explain serve` with mutual TLS: a self-signed server certificate for 127.0.0.1, a client CA
/// (--tls-client-ca) with a client certificate it signed, and a second, unrelated CA with a client
/// certificate of its own (a stranger's). The fixture's own client presents the good certificate.
/// </summary>
public sealed class MutualTlsServeFixture : ServeFixture, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("explain-mtls-").FullName;

    public MutualTlsServeFixture()
    {
        using var serverKey = RSA.Create(2048);
        var server = new CertificateRequest("CN=explain-test", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        server.CertificateExtensions.Add(san.Build());
        server.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var serverCert = server.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(ServerCertFile, serverCert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());
        WriteCaAndClient("client-ca", "good");
        WriteCaAndClient("other-ca", "stranger");
    }

    public string ServerCertFile => Path.Combine(_dir, "server.pem");

    public string ClientCaFile => Path.Combine(_dir, "client-ca.pem");

    public (string Cert, string Key) GoodClient => (Path.Combine(_dir, "good.pem"), Path.Combine(_dir, "good.key"));

    public (string Cert, string Key) StrangerClient => (Path.Combine(_dir, "stranger.pem"), Path.Combine(_dir, "stranger.key"));

    protected override EdgeSecurity Security => new() { TlsCertificate = ServerCertFile, TlsKey = Path.Combine(_dir, "server.key"), TlsClientCa = ClientCaFile };

    protected override GrpcChannelOptions CreateChannelOptions() => ChannelOptions(GoodClient);

    /// <summary>A channel trusting the server, presenting <paramref name="client"/> (null: no certificate).</summary>
    public GrpcChannelOptions ChannelOptions((string Cert, string Key)? client) =>
        ExplainChannelConfig.ChannelOptions(ExplainChannelConfig.Handler(ServerCertFile, client?.Cert, client?.Key));

    private void WriteCaAndClient(string caName, string clientName)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ca = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256);
        ca.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        ca.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var caCert = ca.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(_dir, caName + ".pem"), caCert.ExportCertificatePem());

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var client = new CertificateRequest($"CN={clientName}", clientKey, HashAlgorithmName.SHA256);
        client.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        client.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], true));
        using var clientCert = client.Create(caCert, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4, 5, 6, 7, 8]);
        File.WriteAllText(Path.Combine(_dir, clientName + ".pem"), clientCert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, clientName + ".key"), clientKey.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
