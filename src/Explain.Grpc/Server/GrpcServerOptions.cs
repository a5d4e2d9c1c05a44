namespace Explain.Grpc.Server;

/// <summary>Server-wide settings for every bound gRPC method.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted (after decompression); larger is RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = Protocol.GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message sent; null means no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// Compression for responses ("gzip" or null), used when the caller's grpc-accept-encoding lists it.
    /// A handler can override it per call through <see cref="ServerCallContext.ResponseCompression"/>.
    /// </summary>
    public string? ResponseCompression { get; set; }

    /// <summary>Put exception messages into grpc-message; off by default so internals do not leak.</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>Interceptors, outermost first.</summary>
    public IList<ServerInterceptor> Interceptors { get; } = [];
}
