using System.Collections.Concurrent;
using System.Threading.Channels;
using Explain.Grpc.Server;
using Grpc.Health.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Explain.Grpc.Health;

/// <summary>
/// grpc.health.v1.Health: Check answers the current status (NOT_FOUND for an unknown service);
/// Watch sends the current status, SERVICE_UNKNOWN included, then every change until cancelled.
/// The empty service name stands for the whole server and starts SERVING.
/// </summary>
public sealed class HealthService
{
    private readonly ConcurrentDictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Channel<ServingStatus>, string> _watchers = new();

    public HealthService() => _statuses[""] = ServingStatus.Serving;

    public void SetStatus(string service, ServingStatus status)
    {
        _statuses[service] = status;
        Notify(service, status);
    }

    public void ClearStatus(string service)
    {
        _statuses.TryRemove(service, out _);
        Notify(service, ServingStatus.ServiceUnknown);
    }

    public Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        if (!_statuses.TryGetValue(request.Service, out var status))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"Unknown service '{request.Service}'."));
        }

        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    public async Task Watch(HealthCheckRequest request, IAsyncStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        var channel = Channel.CreateUnbounded<ServingStatus>(new UnboundedChannelOptions { SingleReader = true });
        _watchers[channel] = request.Service;
        try
        {
            var last = _statuses.TryGetValue(request.Service, out var current) ? current : ServingStatus.ServiceUnknown;
            await responses.WriteAsync(new HealthCheckResponse { Status = last }, context.CancellationToken).ConfigureAwait(false);
            await foreach (var status in channel.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                if (status != last)
                {
                    last = status;
                    await responses.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _watchers.TryRemove(channel, out _);
        }
    }

    private void Notify(string service, ServingStatus status)
    {
        foreach (var (channel, watched) in _watchers)
        {
            if (watched == service)
            {
                channel.Writer.TryWrite(status);
            }
        }
    }
}
