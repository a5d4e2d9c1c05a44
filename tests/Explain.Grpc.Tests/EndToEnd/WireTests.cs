using System.Net;
using Explain.Grpc.Tests.Support;
using Explain.Testing.V1;

namespace Explain.Grpc.Tests.EndToEnd;

/// <summary>Checks what the server puts on the wire, below the client library.</summary>
public sealed class WireTests : ServerFixture
{
    [Fact]
    public async Task UnknownService_TrailersOnlyUnimplemented()
    {
        using var http = RawGrpc.CreateClient();
        using var request = RawGrpc.Request(Server.Address, "/no.such.Service/Method", new Empty());

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("12", response.Headers.GetValues("grpc-status").Single());
        Assert.Empty(body);
        Assert.Empty(response.TrailingHeaders);
    }

    [Fact]
    public async Task UnaryEcho_Success_MessageThenStatusInTrailers()
    {
        using var http = RawGrpc.CreateClient();
        using var request = RawGrpc.Request(Server.Address, "/explain.testing.v1.Echo/UnaryEcho", new EchoRequest { Message = "x" },
            "application/grpc+proto");

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("application/grpc", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, body[0]);
        Assert.Equal(body.Length - 5, body[4]);
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.False(response.Headers.Contains("grpc-status"));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/grpc+json")]
    public async Task UnaryEcho_NonGrpcContentType_Http415(string contentType)
    {
        using var http = RawGrpc.CreateClient();
        using var request = RawGrpc.Request(Server.Address, "/explain.testing.v1.Echo/UnaryEcho", new EchoRequest(), contentType);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task UnaryEcho_UnsupportedEncoding_UnimplementedWithAcceptEncoding()
    {
        using var http = RawGrpc.CreateClient();
        using var request = RawGrpc.Request(Server.Address, "/explain.testing.v1.Echo/UnaryEcho", new EchoRequest());
        request.Headers.TryAddWithoutValidation("grpc-encoding", "snappy");

        using var response = await http.SendAsync(request);

        Assert.Equal("12", RawGrpc.Status(response));
        Assert.Contains("gzip", response.Headers.GetValues("grpc-accept-encoding").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnaryEcho_CompressedFlagWithoutEncoding_Internal()
    {
        using var http = RawGrpc.CreateClient();
        using var request = RawGrpc.Request(Server.Address, "/explain.testing.v1.Echo/UnaryEcho", null);
        request.Content = new ByteArrayContent(RawGrpc.Frame([1, 2, 3], compressed: true));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");

        using var response = await http.SendAsync(request);

        Assert.Equal("13", RawGrpc.Status(response));
    }

    [Fact]
    public async Task UnaryEcho_TruncatedFrame_Internal()
    {
        using var http = RawGrpc.CreateClient();
        using var request = RawGrpc.Request(Server.Address, "/explain.testing.v1.Echo/UnaryEcho", null);
        request.Content = new ByteArrayContent([0, 0, 0, 0, 9, 1, 2]);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");

        using var response = await http.SendAsync(request);

        Assert.Equal("13", RawGrpc.Status(response));
    }

    [Fact]
    public async Task UnaryEcho_GetInsteadOfPost_Http405()
    {
        using var http = RawGrpc.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server.Address, "/explain.testing.v1.Echo/UnaryEcho"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
