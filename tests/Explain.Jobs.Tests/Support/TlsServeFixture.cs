using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Explain.Jobs.Hosting;
using Explain.Client;
using Grpc.Net.Client;

namespace Explain.Jobs.Tests.Support;

/// <summary>`explain serve` over TLS with a self-signed certificate for 127.0.0.1 written as PEM files; the client trusts it as its CA file.</summary>
public sealed class TlsServeFixture : ServeFixture, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("explain-tls-").FullName;

    public TlsServeFixture()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=explain-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(CertFile, cert.ExportCertificatePem());
        File.WriteAllText(KeyFile, key.ExportPkcs8PrivateKeyPem());
    }

    public string CertFile => Path.Combine(_dir, "cert.pem");

    private string KeyFile => Path.Combine(_dir, "key.pem");

    protected override EdgeSecurity Security => new() { TlsCertificate = CertFile, TlsKey = KeyFile };

    protected override GrpcChannelOptions CreateChannelOptions() => ExplainChannelConfig.ChannelOptions(null, CertFile);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
