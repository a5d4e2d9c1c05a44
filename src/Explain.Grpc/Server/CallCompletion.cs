namespace Explain.Grpc.Server;

/// <summary>
/// Serialises response writes with the end of the call, so the call ends exactly once: normally
/// when the handler returns, or at the deadline even if the handler ignores its token. At the
/// deadline the client gets DEADLINE_EXCEEDED at once (PROTOCOL-HTTP2: the server ends the call
/// when the timeout passes); later writes by a slow handler fail instead of reaching the wire.
/// </summary>
internal sealed class CallCompletion(ServerCallContext context)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private bool _completed;
    private Task _deadlineEnd = Task.CompletedTask;
    private CancellationTokenRegistration _deadlineRegistration;

    public static Status DeadlineStatus => new(StatusCode.DeadlineExceeded, "Deadline Exceeded");

    public void ArmDeadline() =>
        _deadlineRegistration = context.DeadlineToken.UnsafeRegister(
            static state => ((CallCompletion)state!)._deadlineEnd = ((CallCompletion)state!).EndAtDeadlineAsync(), this);

    /// <summary>Runs a response write unless the call has already ended.</summary>
    public async Task WriteAsync(Func<Task> write, CancellationToken token)
    {
        await _lock.WaitAsync(token).ConfigureAwait(false);
        try
        {
            if (_completed)
            {
                throw new OperationCanceledException("The call has already ended: its deadline passed.");
            }

            await write().ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Ends the call with the handler's status, unless the deadline already ended it.</summary>
    public async Task CompleteAsync(Status status)
    {
        await _deadlineRegistration.DisposeAsync().ConfigureAwait(false);
        await _deadlineEnd.ConfigureAwait(false);
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_completed || context.HttpContext.RequestAborted.IsCancellationRequested)
            {
                return; // Ended at the deadline, or the client reset the stream: nothing more can reach it.
            }

            _completed = true;
            CallStatusWriter.Write(context, status);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task EndAtDeadlineAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_completed || context.HttpContext.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            _completed = true;
            CallStatusWriter.Write(context, DeadlineStatus);
            await context.HttpContext.Response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // NOTE: the client went away while we ended the call; there is no one left to tell.
        }
        finally
        {
            _lock.Release();
        }
    }
}
