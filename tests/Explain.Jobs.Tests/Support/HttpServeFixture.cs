namespace Explain.Jobs.Tests.Support;

/// <summary>`explain serve` with its HTTP/1.1 port open: /metrics, the JSON API and gRPC-Web.</summary>
public sealed class HttpServeFixture : ServeFixture
{
    protected override bool OpenHttpPort => true;

    public Uri HttpAddress => new($"http://127.0.0.1:{HttpPort}");
}
