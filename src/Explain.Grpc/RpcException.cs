namespace Explain.Grpc;

/// <summary>
/// A call ended with a non-OK status. Thrown by the client on failed calls and thrown by
/// server handlers to choose the status (and trailers) sent to the caller.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(Status status, string? message = null)
        : this(status, new Metadata(), message)
    {
    }

    public RpcException(Status status, Metadata trailers, string? message = null, Exception? inner = null)
        : base(message ?? status.ToString(), inner)
    {
        Status = status;
        Trailers = trailers;
    }

    public Status Status { get; }

    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>Trailing metadata: received ones on the client, ones to send on the server.</summary>
    public Metadata Trailers { get; }
}
