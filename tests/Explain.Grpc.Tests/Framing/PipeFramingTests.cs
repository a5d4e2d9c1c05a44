using System.Buffers;
using System.IO.Pipelines;
using Explain.Grpc.Framing;

namespace Explain.Grpc.Tests.Framing;

public sealed class PipeFramingTests
{
    // Three frames: "abc", an empty message, then "Z" flagged compressed.
    private static readonly byte[] ThreeFrames =
    [
        0x00,                   // frame 1 Compressed-Flag: 0
        0x00, 0x00, 0x00, 0x03, // frame 1 Message-Length: 3
        0x61, 0x62, 0x63,       // frame 1 Message: 'a' 'b' 'c'
        0x00,                   // frame 2 Compressed-Flag: 0
        0x00, 0x00, 0x00, 0x00, // frame 2 Message-Length: 0 (empty message)
        0x01,                   // frame 3 Compressed-Flag: 1
        0x00, 0x00, 0x00, 0x01, // frame 3 Message-Length: 1
        0x5A,                   // frame 3 Message: 'Z'
    ];

    public static TheoryData<int> SplitPoints()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i <= ThreeFrames.Length; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SplitPoints))]
    public async Task ReadFrameAsync_SplitAtEveryByte_ReadsSameFrames(int split)
    {
        var pipe = new Pipe();
        var writing = WriteInTwoFlushesAsync(pipe.Writer, split);

        var frames = await ReadAllAsync(pipe.Reader);
        await writing;

        Assert.Equal(3, frames.Count);
        Assert.Equal("abc"u8.ToArray(), frames[0].Payload);
        Assert.Empty(frames[1].Payload);
        Assert.True(frames[2].IsCompressed);
        Assert.Equal("Z"u8.ToArray(), frames[2].Payload);
    }

    [Fact]
    public async Task ReadFrameAsync_OneByteAtATime_ReadsSameFrames()
    {
        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            foreach (var b in ThreeFrames)
            {
                await pipe.Writer.WriteAsync(new[] { b });
            }

            await pipe.Writer.CompleteAsync();
        });

        var frames = await ReadAllAsync(pipe.Reader);
        await writing;

        Assert.Equal(new[] { 3, 0, 1 }, frames.Select(f => f.Payload.Length));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(7)]
    public async Task ReadFrameAsync_StreamEndsInsideFrame_ThrowsInternal(int length)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(ThreeFrames.AsMemory(0, length));
        await pipe.Writer.CompleteAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => pipe.Reader.ReadFrameAsync(100).AsTask());
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task WriteFrameAsync_Message_WritesHeaderThenPayload()
    {
        var pipe = new Pipe();

        await pipe.Writer.WriteFrameAsync("abc"u8.ToArray(), compressed: false);
        await pipe.Writer.CompleteAsync();

        var result = await pipe.Reader.ReadAsync();
        Assert.Equal(ThreeFrames[..8], result.Buffer.ToArray());
    }

    private static async Task WriteInTwoFlushesAsync(PipeWriter writer, int split)
    {
        await writer.WriteAsync(ThreeFrames.AsMemory(0, split));
        await Task.Yield();
        await writer.WriteAsync(ThreeFrames.AsMemory(split));
        await writer.CompleteAsync();
    }

    private static async Task<List<GrpcFrame>> ReadAllAsync(PipeReader reader)
    {
        var frames = new List<GrpcFrame>();
        while (await reader.ReadFrameAsync(100) is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }
}
