using System.Net;

namespace Explain.Grpc.Client;

/// <summary>
/// Request body that stays open while the caller streams messages: HttpClient hands us the HTTP/2
/// request stream, and the body ends (END_STREAM) only when <see cref="Complete"/> is called.
/// </summary>
internal sealed class PushStreamContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly byte[]? _singleFrame;

    /// <param name="singleFrame">For unary and server-streaming calls: the one framed request, sent at once.</param>
    public PushStreamContent(byte[]? singleFrame)
    {
        _singleFrame = singleFrame;
        Headers.TryAddWithoutValidation("Content-Type", Protocol.GrpcProtocol.ContentType);
    }

    public Task<Stream> GetStreamAsync() => _stream.Task;

    public void Complete() => _completed.TrySetResult();

    public void Abort(Exception error)
    {
        _stream.TrySetException(error);
        _completed.TrySetException(error);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        if (_singleFrame is not null)
        {
            await stream.WriteAsync(_singleFrame).ConfigureAwait(false);
            return;
        }

        _stream.TrySetResult(stream);
        await _completed.Task.ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
