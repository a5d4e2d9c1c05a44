using System.Net;
using Explain.Client;
using Grpc.Net.Client;
using Explain.Jobs.Hosting;
using Explain.Jobs.Results;
using Explain.Jobs.Tests.Support;
using Explain.Messaging;
using Explain.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Tests.EndToEnd;

/// <summary>Idempotency keys across ingestion replicas and restarts: the key travels on QUEUED and every replica indexes it.</summary>
public sealed class IdempotencyReplicaTests : IAsyncLifetime
{
    private readonly InMemoryTransport _transport = new();
    private readonly List<(ServeHost Host, GrpcChannel Channel)> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (host, channel) in _hosts)
        {
            channel.Dispose();
            await host.DisposeAsync();
        }
        await _transport.DisposeAsync();
    }

    [Fact]
    public async Task Submit_SameKeyOnAnotherReplica_SameJobMarkedDuplicate()
    {
        var (replicaB, request, first) = await SubmitOnOneReplicaSeenByAnotherAsync();

        var retried = await replicaB.SubmitAsync(request);

        Assert.Equal(first.JobId, retried.JobId);
        Assert.False(first.Duplicate);
        Assert.True(retried.Duplicate);
        Assert.Equal(first.SubmittedUnixMs, retried.SubmittedUnixMs);
    }

    [Fact]
    public async Task Submit_SameKeyOtherRequestOnAnotherReplica_InvalidArgument()
    {
        var (replicaB, request, _) = await SubmitOnOneReplicaSeenByAnotherAsync();
        request.Methods.Add("layercam");

        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => replicaB.SubmitAsync(request));

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Submit_SameKeyAfterReplicaStartedLater_ReplayedKeyGivesSameJob()
    {
        var (replicaA, _) = await StartIngestionAsync();
        var request = Requests.Image();
        request.IdempotencyKey = Guid.NewGuid().ToString();
        var first = await replicaA.SubmitAsync(request);

        var (restarted, index) = await StartIngestionAsync(); // a new process: learns keys by replaying the stream
        await WaitIndexedAsync(index, first.JobId);
        var retried = await restarted.SubmitAsync(request);

        Assert.Equal(first.JobId, retried.JobId);
        Assert.True(retried.Duplicate);
    }

    /// <summary>Two replicas; a request with a fresh key submitted to the first, once the second has indexed it.</summary>
    private async Task<(ExplainClient ReplicaB, ExplainRequest Request, JobTicket First)> SubmitOnOneReplicaSeenByAnotherAsync()
    {
        var (replicaA, _) = await StartIngestionAsync();
        var (replicaB, indexB) = await StartIngestionAsync();
        var request = Requests.Image();
        request.IdempotencyKey = Guid.NewGuid().ToString();
        var first = await replicaA.SubmitAsync(request);
        await WaitIndexedAsync(indexB, first.JobId);
        return (replicaB, request, first);
    }

    private async Task<(ExplainClient Client, ResultsIndex Index)> StartIngestionAsync()
    {
        var arguments = new HostArguments(0, null, null, RepoPaths.ModelStore, 1);
        var options = new JobsOptions { ModelStore = RepoPaths.ModelStore };
        // No worker: the jobs stay queued, which is all these tests need.
        var host = await ServeHost.StartAsync(arguments, options, IPAddress.Loopback, l => l.ClearProviders(), new SharedTransport(_transport), ServeRoles.Ingestion);
        var channel = GrpcChannel.ForAddress(host.Address);
        _hosts.Add((host, channel));
        return (new ExplainClient(channel.CreateCallInvoker()), host.Services.GetRequiredService<ResultsIndex>());
    }

    private static async Task WaitIndexedAsync(ResultsIndex index, string jobId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (index.Find(jobId) is null)
            await Task.Delay(10, timeout.Token);
    }

    /// <summary>One in-memory broker shared by several hosts; disposing a host must not close it for the others.</summary>
    private sealed class SharedTransport(InMemoryTransport inner) : IMessageTransport
    {
        public IJobQueue Jobs => inner.Jobs;

        public IEventStream Events => inner.Events;

        public IEventStream Control => inner.Control;

        public bool IsConnected => inner.IsConnected;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
