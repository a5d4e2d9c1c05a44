namespace Explain.Grpc;

/// <summary>A stream of outgoing messages. Writes must not overlap: await each before the next.</summary>
public interface IAsyncStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
