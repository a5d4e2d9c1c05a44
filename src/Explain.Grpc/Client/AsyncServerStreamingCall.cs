namespace Explain.Grpc.Client;

/// <summary>A server-streaming call: read <see cref="ResponseStream"/> to the end, then the status is known.</summary>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
{
    private readonly ICallState _state;

    internal AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responseStream, ICallState state)
    {
        ResponseStream = responseStream;
        _state = state;
    }

    /// <summary>Responses; MoveNext throws <see cref="RpcException"/> when the call ends with a non-OK status.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    public Task<Metadata> ResponseHeadersAsync => _state.ResponseHeadersAsync;

    public Status GetStatus() => _state.GetStatus();

    public Metadata GetTrailers() => _state.GetTrailers();

    /// <summary>Cancels the call (RST_STREAM) if it is still running.</summary>
    public void Dispose() => _state.Dispose();
}
