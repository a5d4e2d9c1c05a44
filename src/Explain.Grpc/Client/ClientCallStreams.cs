using Google.Protobuf;

namespace Explain.Grpc.Client;

/// <summary>The request and response streams of one client call, over its <see cref="GrpcCall{TRequest,TResponse}"/>.</summary>
internal sealed class ClientCallStreams<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call)
    : IClientStreamWriter<TRequest>, IAsyncStreamReader<TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private TResponse? _current;

    public TResponse Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        _current = await call.ReadMessageAsync(cancellationToken).ConfigureAwait(false);
        return _current is not null;
    }

    public Task WriteAsync(TRequest message, CancellationToken cancellationToken = default) =>
        call.WriteAsync(message, cancellationToken);

    public Task CompleteAsync() => call.CompleteRequestAsync();
}
