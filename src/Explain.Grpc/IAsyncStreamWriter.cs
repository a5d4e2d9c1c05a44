namespace Explain.Grpc;

/// <summary>A stream of outgoing messages. Writes must not overlap: await each before the next.</summary>
public interface IAsyncStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);

    /// <summary>
    /// With <paramref name="flush"/> false the message may wait in the buffer and leave with the
    /// next flushed write (or the end of the call): several messages ready at once go out in one
    /// send instead of one send and one wake-up of the reader each. Writers without a buffer flush.
    /// </summary>
    Task WriteAsync(T message, bool flush, CancellationToken cancellationToken = default) => WriteAsync(message, cancellationToken);
}
