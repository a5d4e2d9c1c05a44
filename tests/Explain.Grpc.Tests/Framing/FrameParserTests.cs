using System.Buffers;
using Explain.Grpc.Framing;

namespace Explain.Grpc.Tests.Framing;

public sealed class FrameParserTests
{
    // Two frames back to back: "hi" uncompressed, then an empty compressed message.
    private static readonly byte[] TwoFrames =
    [
        0x00,                   // Compressed-Flag: 0 (identity)
        0x00, 0x00, 0x00, 0x02, // Message-Length: 2, big-endian
        0x68, 0x69,             // Message: 'h' 'i'
        0x01,                   // Compressed-Flag: 1
        0x00, 0x00, 0x00, 0x00, // Message-Length: 0
    ];

    [Fact]
    public void TryReadFrame_TwoWholeFrames_ReadsBothAndConsumesAll()
    {
        var buffer = new ReadOnlySequence<byte>(TwoFrames);

        Assert.True(FrameParser.TryReadFrame(ref buffer, 100, out var first));
        Assert.True(FrameParser.TryReadFrame(ref buffer, 100, out var second));

        Assert.False(first.IsCompressed);
        Assert.Equal("hi"u8.ToArray(), first.Payload);
        Assert.True(second.IsCompressed);
        Assert.Empty(second.Payload);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void TryReadFrame_EveryPrefixOfAFrame_WaitsWithoutConsuming()
    {
        for (var length = 0; length < 7; length++)
        {
            var buffer = new ReadOnlySequence<byte>(TwoFrames, 0, length);

            Assert.False(FrameParser.TryReadFrame(ref buffer, 100, out _));
            Assert.Equal(length, buffer.Length);
        }
    }

    [Fact]
    public void TryReadFrame_HeaderSplitAcrossSegments_ReadsFrame()
    {
        var buffer = SegmentedSequence.Create(TwoFrames[..2], TwoFrames[2..4], TwoFrames[4..7]);

        Assert.True(FrameParser.TryReadFrame(ref buffer, 100, out var frame));
        Assert.Equal("hi"u8.ToArray(), frame.Payload);
    }

    [Fact]
    public void TryReadFrame_LengthOverLimit_ThrowsResourceExhaustedBeforeBody()
    {
        byte[] header =
        [
            0x00,                   // Compressed-Flag: 0
            0x00, 0x01, 0x00, 0x01, // Message-Length: 65537
        ];
        var buffer = new ReadOnlySequence<byte>(header);

        var ex = Assert.Throws<RpcException>(() => FrameParser.TryReadFrame(ref buffer, 65536, out _));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public void TryReadFrame_InvalidCompressedFlag_ThrowsInternal()
    {
        byte[] header =
        [
            0x02,                   // Compressed-Flag: 2 is not defined
            0x00, 0x00, 0x00, 0x00, // Message-Length: 0
        ];
        var buffer = new ReadOnlySequence<byte>(header);

        var ex = Assert.Throws<RpcException>(() => FrameParser.TryReadFrame(ref buffer, 100, out _));
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public void WriteHeader_LargeLength_IsBigEndian()
    {
        var header = new byte[5];

        FrameParser.WriteHeader(header, compressed: true, length: 0x01020304);

        byte[] expected =
        [
            0x01,                   // Compressed-Flag: 1
            0x01, 0x02, 0x03, 0x04, // Message-Length: 0x01020304, most significant byte first
        ];
        Assert.Equal(expected, header);
    }
}
