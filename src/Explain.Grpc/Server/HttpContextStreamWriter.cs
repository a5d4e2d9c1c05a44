using Google.Protobuf;

namespace Explain.Grpc.Server;

/// <summary>The response stream of a server- or bidi-streaming call; each write is flushed unless asked not to be.</summary>
internal sealed class HttpContextStreamWriter<T>(ServerCallContext context) : IAsyncStreamWriter<T>
    where T : class, IMessage<T>
{
    private int _writing;

    public Task WriteAsync(T message, CancellationToken cancellationToken = default) => WriteAsync(message, flush: true, cancellationToken);

    public async Task WriteAsync(T message, bool flush, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("A write is already in progress: await each write before the next.");
        }

        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, cancellationToken);
            await ServerMessageIO.WriteMessageAsync(context, message, linked.Token, flush).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }
}
