using Explain.Grpc.Framing;
using Explain.Grpc.Protocol;
using Google.Protobuf;

namespace Explain.Grpc.Client;

/// <summary>Message encoding and the once-only status of the call.</summary>
internal sealed partial class GrpcCall<TRequest, TResponse>
{
    private byte[] Frame(TRequest message)
    {
        var payload = message.ToByteArray();
        if (_channel.Options.MaxSendMessageSize is { } max && payload.Length > max)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Sending message larger than max ({payload.Length} vs. {max})."));
        }

        var compressed = !MessageCompression.IsIdentity(_options.WriteCompression) && payload.Length > 0;
        if (compressed)
        {
            payload = MessageCompression.Compress(payload);
        }

        var frame = new byte[GrpcProtocol.FrameHeaderSize + payload.Length];
        FrameParser.WriteHeader(frame, compressed, payload.Length);
        payload.CopyTo(frame.AsSpan(GrpcProtocol.FrameHeaderSize));
        return frame;
    }

    private byte[] Decode(GrpcFrame frame)
    {
        if (!frame.IsCompressed)
        {
            return frame.Payload;
        }

        if (MessageCompression.IsIdentity(_responseEncoding) || !MessageCompression.IsSupported(_responseEncoding))
        {
            throw new RpcException(new Status(StatusCode.Internal,
                $"Compressed response message with grpc-encoding '{_responseEncoding ?? "identity"}'."));
        }

        return MessageCompression.Decompress(frame.Payload, _channel.Options.MaxReceiveMessageSize);
    }

    /// <summary>OK ends the stream (null); any other status is thrown.</summary>
    private TResponse? FinalStatusOrThrow()
    {
        var status = _status ?? new Status(StatusCode.Internal, "Call ended without a status.");
        return status.StatusCode == StatusCode.OK ? null : throw new RpcException(status, _trailers);
    }

    private void ThrowIfFinished()
    {
        if (_status is { } status)
        {
            throw new RpcException(status.StatusCode == StatusCode.OK
                ? new Status(StatusCode.Internal, "The call has already completed.") : status, _trailers);
        }
    }

    /// <summary>Ends the call with the status the failure maps to; resets the HTTP/2 stream.</summary>
    private Status Fail(Exception exception)
    {
        var status = ClientErrors.FromException(exception, _deadlineExceeded, _options.CancellationToken.IsCancellationRequested);
        status = Settle(status);
        _content?.Abort(new RpcException(status));
        try
        {
            _callCancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        ReleaseCancellation();
        return status;
    }

    /// <summary>
    /// Once the stream is over, unlinks from the caller's token and stops the deadline timer, so a
    /// long-lived caller token does not keep every finished call alive.
    /// </summary>
    private void ReleaseCancellation()
    {
        _deadlineCancellation?.Dispose();
        _callCancellation.Dispose();
    }

    /// <summary>Sets the status if none is set yet; returns the status that stands.</summary>
    private Status Settle(Status status)
    {
        lock (_statusLock)
        {
            if (_status is { } existing)
            {
                return existing;
            }

            _status = status;
        }

        _headers.TrySetException(new RpcException(status, _trailers));
        _content?.Complete(); // The server has ended the call: stop the request body too.
        foreach (var interceptor in _channel.Options.Interceptors)
        {
            interceptor.OnCallCompleted(_method.FullName, _method.Type, status, _elapsed.Elapsed);
        }

        return status;
    }
}
