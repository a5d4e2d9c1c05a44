using System.IO.Pipelines;

namespace Explain.Grpc.Framing;

/// <summary>Reads length-prefixed gRPC messages from a <see cref="PipeReader"/>.</summary>
public static class PipeReaderFrameExtensions
{
    /// <summary>
    /// Reads the next whole frame, waiting for more data while it is partial. Returns null at a clean
    /// end of stream; a stream that ends inside a frame is an INTERNAL error.
    /// </summary>
    public static async ValueTask<GrpcFrame?> ReadFrameAsync(
        this PipeReader reader, int maxMessageSize, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            try
            {
                if (FrameParser.TryReadFrame(ref buffer, maxMessageSize, out var frame))
                {
                    consumed = buffer.Start;
                    examined = consumed;
                    return frame;
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    if (buffer.Length == 0 && result.IsCompleted)
                    {
                        return null;
                    }

                    if (result.IsCanceled)
                    {
                        throw new OperationCanceledException("Reading the message stream was cancelled.");
                    }

                    throw new RpcException(new Status(StatusCode.Internal,
                        $"Incomplete message: the stream ended after {buffer.Length} bytes of a frame."));
                }
            }
            finally
            {
                reader.AdvanceTo(consumed, examined);
            }
        }
    }
}
