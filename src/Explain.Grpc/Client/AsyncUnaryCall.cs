using System.Runtime.CompilerServices;

namespace Explain.Grpc.Client;

/// <summary>A unary call in flight: await it for the response, or inspect headers, status and trailers.</summary>
public sealed class AsyncUnaryCall<TResponse> : IDisposable
{
    private readonly ICallState _state;

    internal AsyncUnaryCall(Task<TResponse> responseAsync, ICallState state)
    {
        ResponseAsync = responseAsync;
        _state = state;
    }

    /// <summary>The response; faults with <see cref="RpcException"/> on a non-OK status.</summary>
    public Task<TResponse> ResponseAsync { get; }

    public Task<Metadata> ResponseHeadersAsync => _state.ResponseHeadersAsync;

    /// <summary>The final status; only once the call has completed.</summary>
    public Status GetStatus() => _state.GetStatus();

    /// <summary>The trailing metadata; only once the call has completed.</summary>
    public Metadata GetTrailers() => _state.GetTrailers();

    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>Cancels the call if it is still running.</summary>
    public void Dispose() => _state.Dispose();
}
