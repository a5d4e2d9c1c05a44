namespace Explain.Messaging;

using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

/// <summary>
/// The one AMQP connection of a transport: opened with retries while the broker is down, recovered
/// by the client library afterwards (connection, channels, queues, job consumers), with a signal
/// that says whether it is open now and an event after each recovery.
/// </summary>
internal sealed class BrokerConnection : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly MessagingMetrics _metrics;
    private TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _generation;

    private BrokerConnection(IConnection connection, MessagingMetrics metrics)
    {
        Connection = connection;
        _metrics = metrics;
        _open.SetResult();
        connection.ConnectionShutdownAsync += OnShutdownAsync;
        connection.RecoverySucceededAsync += OnRecoveredAsync;
    }

    public IConnection Connection { get; }

    public bool IsOpen => _open.Task.IsCompletedSuccessfully;

    /// <summary>Counts connection losses: a message sent under an older value may not have arrived.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Raised after the connection and its channels came back; stream subscribers resume from their offset.</summary>
    public event Action? Recovered;

    public static async Task<BrokerConnection> ConnectAsync(RabbitMqTransportOptions options, MessagingMetrics metrics, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = options.Uri,
            ClientProvidedName = options.ClientName,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = options.ReconnectDelay,
            RequestedHeartbeat = TimeSpan.FromSeconds(10),
            // NOTE: stream consumers are re-created by their subscriber from the next offset;
            // recovering them as declared would replay the stream from "first" again.
            TopologyRecoveryFilter = new TopologyRecoveryFilter { ConsumerFilter = c => c.Queue != options.EventStream && c.Queue != options.ControlStream },
        };
        while (true)
        {
            try
            {
                return new BrokerConnection(await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false), metrics);
            }
            catch (BrokerUnreachableException ex) when (ex.InnerException is not AuthenticationFailureException)
            {
                await Task.Delay(options.ReconnectDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Completes when the connection is open (at once if it is).</summary>
    public Task WaitOpenAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_gate)
            return _open.Task.WaitAsync(timeout, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Connection.ConnectionShutdownAsync -= OnShutdownAsync;
        Connection.RecoverySucceededAsync -= OnRecoveredAsync;
        await Connection.CloseAsync().ConfigureAwait(false);
        await Connection.DisposeAsync().ConfigureAwait(false);
    }

    private Task OnShutdownAsync(object sender, ShutdownEventArgs args)
    {
        Interlocked.Increment(ref _generation);
        lock (_gate)
        {
            if (_open.Task.IsCompleted)
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        return Task.CompletedTask;
    }

    private Task OnRecoveredAsync(object sender, AsyncEventArgs args)
    {
        lock (_gate)
            _open.TrySetResult();
        _metrics.RecordReconnect();
        Recovered?.Invoke();
        return Task.CompletedTask;
    }
}
