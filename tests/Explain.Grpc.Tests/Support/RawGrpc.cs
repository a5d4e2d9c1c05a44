using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Explain.Grpc.Tests.Support;

/// <summary>Hand-made gRPC requests over plain HttpClient, to check the server's wire behaviour directly.</summary>
public static class RawGrpc
{
    public static HttpClient CreateClient() => new(new SocketsHttpHandler())
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public static HttpRequestMessage Request(Uri address, string path, IMessage? message, string contentType = "application/grpc")
    {
        var body = Frame(message?.ToByteArray() ?? [], compressed: false);
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        return request;
    }

    public static byte[] Frame(byte[] payload, bool compressed)
    {
        var frame = new byte[5 + payload.Length];
        Explain.Grpc.Framing.FrameParser.WriteHeader(frame, compressed, payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>grpc-status from trailers, or from headers for a trailers-only response.</summary>
    public static string? Status(HttpResponseMessage response) =>
        response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.First()
        : response.Headers.TryGetValues("grpc-status", out var header) ? header.First() : null;
}
