using Explain.Grpc.Framing;
using Explain.Grpc.Protocol;
using Google.Protobuf;

namespace Explain.Grpc.Server;

/// <summary>Reads requests from and writes responses to the HTTP/2 stream of one call.</summary>
internal static class ServerMessageIO
{
    public static async Task<T?> ReadMessageAsync<T>(ServerCallContext context, MessageParser<T> parser, CancellationToken token)
        where T : IMessage<T>
    {
        var reader = context.HttpContext.Request.BodyReader;
        var max = context.Options.MaxReceiveMessageSize;
        GrpcFrame? frame;
        try
        {
            frame = await reader.ReadFrameAsync(max, token).ConfigureAwait(false);
        }
        catch (IOException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw new OperationCanceledException(context.HttpContext.RequestAborted);
        }

        if (frame is not { } f)
        {
            return default;
        }

        var payload = f.Payload;
        if (f.IsCompressed)
        {
            if (MessageCompression.IsIdentity(context.RequestEncoding))
            {
                throw new RpcException(new Status(StatusCode.Internal,
                    "Request message is flagged compressed but the request has no grpc-encoding."));
            }

            payload = MessageCompression.Decompress(payload, max);
        }

        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize request message."), new Metadata(), null, ex);
        }
    }

    public static async Task WriteMessageAsync<T>(ServerCallContext context, T message, CancellationToken token, bool flush = true)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(message);
        var payload = message.ToByteArray();
        if (context.Options.MaxSendMessageSize is { } maxSend && payload.Length > maxSend)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Sending message larger than max ({payload.Length} vs. {maxSend})."));
        }

        await context.Completion.WriteAsync(() =>
        {
            context.PrepareResponseHeaders();
            // NOTE: an empty message goes uncompressed (flag 0 is always allowed): grpc-js failed to
            // decompress our gzip of an empty message in the interop suite.
            var compressed = !MessageCompression.IsIdentity(context.ResponseCompression) && payload.Length > 0;
            var body = compressed ? MessageCompression.Compress(payload) : payload;
            var writer = context.HttpContext.Response.BodyWriter;
            if (flush)
            {
                return writer.WriteFrameAsync(body, compressed, token).AsTask();
            }

            // A single response is left buffered: Kestrel then sends headers, message and trailers together.
            writer.WriteFrame(body, compressed);
            return Task.CompletedTask;
        }, token).ConfigureAwait(false);
    }
}
