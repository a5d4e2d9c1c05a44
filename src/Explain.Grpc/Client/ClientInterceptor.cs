using Google.Protobuf;

namespace Explain.Grpc.Client;

/// <summary>
/// Hooks around every client call (auth, logging, metrics). Each method passes through unless
/// overridden: <see cref="OnCallStarting"/> may return changed options (add a token header, a
/// default deadline) for any call type; <see cref="OnCallCompleted"/> observes the final status
/// once per attempt; <see cref="UnaryCallAsync"/> wraps unary calls with a continuation.
/// </summary>
public abstract class ClientInterceptor
{
    public virtual CallOptions OnCallStarting(string method, MethodType type, CallOptions options) => options;

    public virtual void OnCallCompleted(string method, MethodType type, Status status, TimeSpan elapsed)
    {
    }

    /// <summary>
    /// Wraps each attempt of a unary call: may change the request or options, call the continuation
    /// (zero or more times), or answer by itself (return a response or throw <see cref="RpcException"/>).
    /// </summary>
    public virtual Task<TResponse> UnaryCallAsync<TRequest, TResponse>(
        TRequest request, CallOptions options, Method<TRequest, TResponse> method,
        Func<TRequest, CallOptions, Task<TResponse>> continuation)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => continuation(request, options);
}
