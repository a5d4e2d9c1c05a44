using Google.Protobuf;

namespace Explain.Grpc.Server;

/// <summary>The request stream of a client- or bidi-streaming call.</summary>
internal sealed class HttpContextStreamReader<T>(ServerCallContext context, MessageParser<T> parser) : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, cancellationToken);
        _current = await ServerMessageIO.ReadMessageAsync(context, parser, linked.Token).ConfigureAwait(false);
        return _current is not null;
    }
}
