using System.Buffers;
using System.Buffers.Binary;

namespace Explain.Grpc.Framing;

/// <summary>
/// Parses "Length-Prefixed-Message" = Compressed-Flag (1 byte, 0 or 1) + Message-Length (4 bytes,
/// big-endian unsigned) + Message, from a buffer that may hold any part of one or more frames.
/// </summary>
public static class FrameParser
{
    /// <summary>
    /// Takes one whole frame from the front of <paramref name="buffer"/> and advances it past the frame.
    /// Returns false (buffer unchanged) while the frame is incomplete. Rejects a frame declaring more
    /// than <paramref name="maxMessageSize"/> bytes as soon as its header is seen, before buffering it.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxMessageSize, out GrpcFrame frame)
    {
        frame = default;
        if (!TryReadHeader(buffer, out var compressed, out var length))
        {
            return false;
        }

        if (length > (uint)maxMessageSize)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Received message larger than max ({length} vs. {maxMessageSize})."));
        }

        if (buffer.Length - Protocol.GrpcProtocol.FrameHeaderSize < length)
        {
            return false;
        }

        var payload = buffer.Slice(Protocol.GrpcProtocol.FrameHeaderSize, length).ToArray();
        buffer = buffer.Slice(Protocol.GrpcProtocol.FrameHeaderSize + length);
        frame = new GrpcFrame(compressed, payload);
        return true;
    }

    /// <summary>Reads the 5-byte header when it is all present, even across segment boundaries.</summary>
    public static bool TryReadHeader(ReadOnlySequence<byte> buffer, out bool compressed, out uint length)
    {
        compressed = false;
        length = 0;
        if (buffer.Length < Protocol.GrpcProtocol.FrameHeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[Protocol.GrpcProtocol.FrameHeaderSize];
        buffer.Slice(0, Protocol.GrpcProtocol.FrameHeaderSize).CopyTo(header);
        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new RpcException(new Status(StatusCode.Internal,
                $"Invalid compressed flag {header[0]} in message header.")),
        };
        length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        return true;
    }

    /// <summary>Writes the 5-byte header for a message of <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }
}
