using Explain.Grpc.Server;
using Google.Protobuf;

namespace Explain.Grpc.Tests.Support;

/// <summary>Server interceptor: requires "authorization", fails the first N unary calls with UNAVAILABLE, counts streamed messages.</summary>
public sealed class FlakyAuthInterceptor : ServerInterceptor
{
    private int _calls;
    private int _failuresLeft;
    private int _streamed;

    public int Calls => Volatile.Read(ref _calls);

    public int StreamedMessages => Volatile.Read(ref _streamed);

    public int FailuresLeft
    {
        get => Volatile.Read(ref _failuresLeft);
        set => Volatile.Write(ref _failuresLeft, value);
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Interlocked.Increment(ref _calls);
        if (context.RequestHeaders.GetValue("authorization") != "Bearer test")
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing token"));
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "try again"));
        }

        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IAsyncStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(request, new CountingWriter<TResponse>(responseStream, () => Interlocked.Increment(ref _streamed)), context);

    private sealed class CountingWriter<T>(IAsyncStreamWriter<T> inner, Action onWrite) : IAsyncStreamWriter<T>
        where T : class, IMessage<T>
    {
        public Task WriteAsync(T message, CancellationToken cancellationToken = default)
        {
            onWrite();
            return inner.WriteAsync(message, cancellationToken);
        }
    }
}
