using System.Net.Security;

namespace Explain.Grpc.Client;

/// <summary>Settings shared by every call made through a <see cref="GrpcChannel"/>.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Largest response message accepted (after decompression); larger is RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = Protocol.GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest request message sent; null means no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// HTTP/2 receive window each call starts with (flow-control credit the server may send
    /// before it must wait for a WINDOW_UPDATE). The HTTP/2 default of 64 KiB makes a 300 KB
    /// response wait for several round trips; 1 MiB lets typical messages through in one go.
    /// The window then grows by itself on high-latency links (dynamic window sizing).
    /// </summary>
    public int InitialStreamWindowSize { get; set; } = 1 << 20;

    /// <summary>HTTP/2 PING interval on idle and busy connections; null disables keepalive.</summary>
    public TimeSpan? KeepAlivePingDelay { get; set; }

    /// <summary>How long a keepalive PING may go unanswered before the connection is closed.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Total attempts (first try included) for idempotent unary calls failing with UNAVAILABLE.</summary>
    public int MaxAttempts { get; set; } = 4;

    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>TLS settings for https addresses (custom validation for private CAs in tests).</summary>
    public SslClientAuthenticationOptions? SslOptions { get; set; }

    /// <summary>Replaces the default SocketsHttpHandler (the channel then does not own it).</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Interceptors, outermost first.</summary>
    public IList<ClientInterceptor> Interceptors { get; } = [];
}
