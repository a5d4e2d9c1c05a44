namespace Explain.Grpc.Client;

/// <summary>Whole-response reads and request-stream writes on top of the frame reader.</summary>
internal sealed partial class GrpcCall<TRequest, TResponse>
{
    /// <summary>Unary and client-streaming: exactly one message, then an OK status.</summary>
    public async Task<TResponse> ReadSingleResponseAsync()
    {
        var response = await ReadMessageAsync(CancellationToken.None).ConfigureAwait(false);
        if (response is null)
        {
            throw new RpcException(Fail(new RpcException(new Status(StatusCode.Internal, "Call completed without a response message."))), _trailers);
        }

        if (await ReadMessageAsync(CancellationToken.None).ConfigureAwait(false) is not null)
        {
            throw new RpcException(Fail(new RpcException(new Status(StatusCode.Internal, "More than one response message."))), _trailers);
        }

        return response;
    }

    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken)
    {
        ThrowIfFinished();
        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("A write is already in progress: await each write before the next.");
        }

        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_callCancellation.Token, cancellationToken);
            var frame = Frame(message);
            var stream = await _content!.GetStreamAsync().WaitAsync(linked.Token).ConfigureAwait(false);
            await stream.WriteAsync(frame, linked.Token).ConfigureAwait(false);
            await stream.FlushAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ThrowIfFinished();
            throw new RpcException(Fail(ex), _trailers);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    public Task CompleteRequestAsync()
    {
        _content?.Complete();
        return Task.CompletedTask;
    }
}
