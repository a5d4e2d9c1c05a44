using Google.Protobuf;

namespace Explain.Grpc.Client;

/// <summary>
/// A unary call that, when marked idempotent, is attempted again on UNAVAILABLE with exponential
/// backoff and jitter, never past its deadline (gRFC A6's rule: retry only what may safely repeat).
/// Interceptors wrap each attempt. Headers, status and trailers are those of the last attempt.
/// </summary>
internal sealed class UnaryRetryCall<TRequest, TResponse>(
    GrpcChannel channel, Method<TRequest, TResponse> method, TRequest request, CallOptions options) : ICallState
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly TaskCompletionSource<Metadata> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile GrpcCall<TRequest, TResponse>? _current;
    private volatile bool _disposed;
    private Status? _final;

    public Task<Metadata> ResponseHeadersAsync => _headers.Task;

    public async Task<TResponse> RunAsync()
    {
        var attempts = options.IsIdempotent ? Math.Max(1, channel.Options.MaxAttempts) : 1;
        var backoff = channel.Options.InitialBackoff;
        var invoke = Intercepted();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await invoke(request, options).ConfigureAwait(false);
                _headers.TrySetResult(_current is { } call ? await call.ResponseHeadersAsync.ConfigureAwait(false) : new Metadata());
                _final = _current?.GetStatus() ?? Status.Ok;
                return response;
            }
            catch (RpcException ex)
            {
                var retry = ex.StatusCode == StatusCode.Unavailable && attempt < attempts && !_disposed
                    && await WaitBeforeRetryAsync(backoff).ConfigureAwait(false);
                if (!retry)
                {
                    Fail(ex);
                    throw;
                }

                _current?.Dispose();
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, channel.Options.MaxBackoff.Ticks));
            }
            catch (Exception ex)
            {
                // An interceptor failed with something other than a status: surface it as it is.
                Fail(new RpcException(new Status(StatusCode.Unknown, ex.Message), new Metadata(), null, ex));
                throw;
            }
        }
    }

    public Status GetStatus() => _final ?? Current.GetStatus();

    public Metadata GetTrailers() => _current?.GetTrailers() ?? (_final is not null ? new Metadata() : Current.GetTrailers());

    public void Dispose()
    {
        _disposed = true;
        _current?.Dispose();
    }

    private void Fail(RpcException exception)
    {
        if (_current?.ResponseHeadersAsync is { IsCompletedSuccessfully: true } headers)
        {
            _headers.TrySetResult(headers.Result);
        }

        _headers.TrySetException(exception);
        _final = exception.Status;
    }

    private GrpcCall<TRequest, TResponse> Current =>
        _current ?? throw new InvalidOperationException("The call has not started.");

    /// <summary>One attempt: the HTTP/2 call wrapped by every interceptor, outermost first.</summary>
    private Func<TRequest, CallOptions, Task<TResponse>> Intercepted()
    {
        Func<TRequest, CallOptions, Task<TResponse>> invoke = (message, callOptions) =>
        {
            var call = channel.StartCall(method, callOptions, message);
            _current = call;
            return call.ReadSingleResponseAsync();
        };
        var interceptors = channel.Options.Interceptors;
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var interceptor = interceptors[i];
            var next = invoke;
            invoke = (message, callOptions) => interceptor.UnaryCallAsync(message, callOptions, method, next);
        }

        return invoke;
    }

    /// <summary>Sleeps a jittered backoff; false when the deadline or cancellation leaves no room.</summary>
    private async Task<bool> WaitBeforeRetryAsync(TimeSpan backoff)
    {
        var delay = TimeSpan.FromTicks((long)(backoff.Ticks * Random.Shared.NextDouble()));
        if (options.Deadline is { } deadline && DateTime.UtcNow + delay >= deadline)
        {
            return false;
        }

        try
        {
            await Task.Delay(delay, options.CancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
