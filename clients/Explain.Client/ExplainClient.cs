using System.Runtime.CompilerServices;
using Explain.Api;
using Explain.Grpc;
using Explain.Grpc.Client;
using Explain.V1;

namespace Explain.Client;

/// <summary>
/// The typed .NET client of the Explain services. One channel serves all three services when they
/// share an address (`explain serve`); otherwise create one client per service address. Failures
/// surface as <see cref="RpcException"/> with the server's status code.
/// </summary>
public sealed class ExplainClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly bool _ownsChannel;

    public ExplainClient(GrpcChannel channel)
    {
        _channel = channel;
    }

    /// <summary>A client on its own channel to http://host:port (h2c) or https://….</summary>
    public ExplainClient(string address, int maxReceiveMessageSize = 64 << 20)
    {
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = maxReceiveMessageSize, KeepAlivePingDelay = TimeSpan.FromSeconds(30) });
        _ownsChannel = true;
    }

    /// <summary>Per-call timeout of the unary calls.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Queues a job. Give the request an idempotency key to make retries safe (they are retried on UNAVAILABLE).</summary>
    public Task<JobTicket> SubmitAsync(ExplainRequest request, CancellationToken cancellationToken = default) =>
        _channel.UnaryCall(ApiMethods.Submit, request, Unary(cancellationToken) with { IsIdempotent = request.IdempotencyKey.Length > 0 }).ResponseAsync;

    /// <summary>Submits and streams the job's events up to its terminal one.</summary>
    public IAsyncEnumerable<JobEvent> ExplainAsync(ExplainRequest request, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
        Stream(ApiMethods.Explain, request, deadline, cancellationToken);

    /// <summary>The job's events after <paramref name="afterSequence"/>, then live ones, up to its terminal event.</summary>
    public IAsyncEnumerable<JobEvent> WatchAsync(string jobId, long afterSequence = 0, CancellationToken cancellationToken = default) =>
        Stream(ApiMethods.Watch, new WatchRequest { JobId = jobId, AfterSequence = afterSequence }, null, cancellationToken);

    public Task<JobResult> GetAsync(string jobId, CancellationToken cancellationToken = default) =>
        _channel.UnaryCall(ApiMethods.Get, new GetRequest { JobId = jobId }, Unary(cancellationToken) with { IsIdempotent = true }).ResponseAsync;

    public Task<CancelReply> CancelAsync(string jobId, CancellationToken cancellationToken = default) =>
        _channel.UnaryCall(ApiMethods.Cancel, new CancelRequest { JobId = jobId }, Unary(cancellationToken) with { IsIdempotent = true }).ResponseAsync;

    public async Task<IReadOnlyList<ModelSummary>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        (await _channel.UnaryCall(ApiMethods.ListModels, new ListModelsRequest(), Unary(cancellationToken) with { IsIdempotent = true }).ResponseAsync).Models;

    public Task<ModelDescription> DescribeModelAsync(string name, CancellationToken cancellationToken = default) =>
        _channel.UnaryCall(ApiMethods.DescribeModel, new DescribeModelRequest { Name = name }, Unary(cancellationToken) with { IsIdempotent = true }).ResponseAsync;

    public void Dispose()
    {
        if (_ownsChannel)
            _channel.Dispose();
    }

    private CallOptions Unary(CancellationToken cancellationToken) => CallOptions.Default.WithTimeout(Timeout) with { CancellationToken = cancellationToken };

    private async IAsyncEnumerable<JobEvent> Stream<TRequest>(Method<TRequest, JobEvent> method, TRequest request, DateTime? deadline, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>
    {
        using var call = _channel.ServerStreamingCall(method, request, CallOptions.Default with { Deadline = deadline, CancellationToken = cancellationToken });
        await foreach (var jobEvent in call.ResponseStream.ReadAllAsync(cancellationToken))
            yield return jobEvent;
    }
}
