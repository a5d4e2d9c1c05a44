using System.Buffers;
using System.IO.Pipelines;

namespace Explain.Grpc.Framing;

/// <summary>Writes length-prefixed gRPC messages to a <see cref="PipeWriter"/>.</summary>
public static class PipeWriterFrameExtensions
{
    /// <summary>Writes header and payload into the writer's buffer without flushing.</summary>
    public static void WriteFrame(this PipeWriter writer, ReadOnlySpan<byte> payload, bool compressed)
    {
        var header = writer.GetSpan(Protocol.GrpcProtocol.FrameHeaderSize);
        FrameParser.WriteHeader(header, compressed, payload.Length);
        writer.Advance(Protocol.GrpcProtocol.FrameHeaderSize);
        writer.Write(payload);
    }

    /// <summary>Writes one frame and flushes it, so a streamed message leaves at once.</summary>
    public static async ValueTask WriteFrameAsync(
        this PipeWriter writer, ReadOnlyMemory<byte> payload, bool compressed, CancellationToken cancellationToken = default)
    {
        writer.WriteFrame(payload.Span, compressed);
        var result = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("Writing the message stream was cancelled.");
        }
    }
}
