using Explain.Grpc.Protocol;
using Microsoft.AspNetCore.Http;

namespace Explain.Grpc.Server;

/// <summary>Per-call state a handler sees: metadata, deadline, cancellation, response headers and trailers.</summary>
public sealed class ServerCallContext : IDisposable
{
    private readonly CancellationTokenSource _callCancellation;
    private readonly CancellationTokenSource? _deadlineCancellation;

    internal ServerCallContext(HttpContext httpContext, GrpcServerOptions options, string method, TimeSpan? timeout)
    {
        HttpContext = httpContext;
        Options = options;
        Method = method;
        RequestHeaders = new Metadata();
        foreach (var header in httpContext.Request.Headers)
        {
            MetadataHeaders.AddFromHeader(RequestHeaders, header.Key, header.Value);
        }

        RequestEncoding = httpContext.Request.Headers[GrpcProtocol.EncodingHeader].FirstOrDefault();
        var accept = httpContext.Request.Headers[GrpcProtocol.AcceptEncodingHeader].ToString();
        ResponseCompression = options.ResponseCompression is { } wanted && MessageCompression.Accepts(accept, wanted)
            ? wanted : null;

        _callCancellation = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        // CancelAfter accepts at most ~24.8 days; a longer grpc-timeout is as good as none.
        if (timeout is { } t && t.TotalMilliseconds < int.MaxValue)
        {
            Deadline = DateTime.UtcNow + t;
            _deadlineCancellation = new CancellationTokenSource(t);
            _deadlineCancellation.Token.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _callCancellation);
        }

        Completion = new CallCompletion(this);
    }

    public HttpContext HttpContext { get; }

    /// <summary>The called method's path, "/package.Service/Method".</summary>
    public string Method { get; }

    public string Peer => $"{HttpContext.Connection.RemoteIpAddress}:{HttpContext.Connection.RemotePort}";

    /// <summary>When the caller stops waiting (UTC), or <see cref="DateTime.MaxValue"/> with no grpc-timeout.</summary>
    public DateTime Deadline { get; } = DateTime.MaxValue;

    /// <summary>Cancelled when the deadline passes or the client cancels (RST_STREAM).</summary>
    public CancellationToken CancellationToken => _callCancellation.Token;

    public Metadata RequestHeaders { get; }

    /// <summary>Trailers sent with the status after the handler returns.</summary>
    public Metadata ResponseTrailers { get; } = new();

    /// <summary>The status sent when the handler returns normally (an exception overrides it).</summary>
    public Status Status { get; set; } = Status.Ok;

    /// <summary>Response compression ("gzip" or null); can be changed until headers are sent.</summary>
    public string? ResponseCompression { get; set; }

    internal GrpcServerOptions Options { get; }

    internal string? RequestEncoding { get; }

    internal bool DeadlineExceeded => _deadlineCancellation?.IsCancellationRequested == true;

    internal CancellationToken DeadlineToken => _deadlineCancellation?.Token ?? CancellationToken.None;

    internal CallCompletion Completion { get; }

    internal bool ResponseHeadersSent { get; private set; }

    /// <summary>Sends response headers now, with the given metadata; at most once, before any message.</summary>
    public Task WriteResponseHeadersAsync(Metadata responseHeaders)
    {
        if (ResponseHeadersSent)
        {
            throw new InvalidOperationException("Response headers have already been sent.");
        }

        foreach (var entry in responseHeaders)
        {
            HttpContext.Response.Headers.Append(entry.Key, MetadataHeaders.ToHeaderValue(entry));
        }

        PrepareResponseHeaders();
        return HttpContext.Response.StartAsync(CancellationToken);
    }

    /// <summary>Sets protocol response headers once; from here on the call ends with trailers.</summary>
    internal void PrepareResponseHeaders()
    {
        if (ResponseHeadersSent)
        {
            return;
        }

        ResponseHeadersSent = true;
        var headers = HttpContext.Response.Headers;
        headers.ContentType = GrpcProtocol.ContentType;
        headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
        if (ResponseCompression is not null)
        {
            headers[GrpcProtocol.EncodingHeader] = ResponseCompression;
        }
    }

    public void Dispose()
    {
        _deadlineCancellation?.Dispose();
        _callCancellation.Dispose();
    }
}
