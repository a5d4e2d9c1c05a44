using System.Runtime.CompilerServices;
using Explain.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Explain.Client;

/// <summary>
/// The typed .NET client of the Explain services over grpc-dotnet's generated stubs. One channel
/// serves all three services when they share an address (`explain serve`); behind separate
/// addresses, give each service its own stub (or use <see cref="ExplainClientServiceCollectionExtensions.AddExplainClient"/>).
/// Failures surface as <see cref="RpcException"/>; <c>e.GetRpcStatus()</c> (Grpc.StatusProto)
/// reads the google.rpc details (BadRequest, ResourceInfo, QuotaFailure, RetryInfo).
/// UNAVAILABLE is retried on every method by the channel's service config (<see cref="ExplainChannelConfig"/>).
/// </summary>
public sealed class ExplainClient : IDisposable
{
    private readonly GrpcChannel? _ownedChannel;

    public ExplainClient(Explainer.ExplainerClient explainer, Results.ResultsClient results, Models.ModelsClient models)
    {
        Explainer = explainer;
        Results = results;
        Models = models;
    }

    /// <summary>A client whose three services share <paramref name="callInvoker"/> (a channel, with interceptors if any).</summary>
    public ExplainClient(CallInvoker callInvoker)
        : this(new Explainer.ExplainerClient(callInvoker), new Results.ResultsClient(callInvoker), new Models.ModelsClient(callInvoker))
    {
    }

    /// <summary>A client on its own channel to http://host:port (h2c) or https://…, with <see cref="ExplainChannelConfig"/>'s settings.</summary>
    public ExplainClient(string address, GrpcChannelOptions? options = null)
        : this(GrpcChannel.ForAddress(address, options ?? ExplainChannelConfig.ChannelOptions()))
    {
        Address = address;
    }

    /// <summary>The address given to the address constructor (for messages); null for a client over a given channel.</summary>
    public string? Address { get; }

    private ExplainClient(GrpcChannel channel)
        : this(channel.CreateCallInvoker())
    {
        _ownedChannel = channel;
    }

    public Explainer.ExplainerClient Explainer { get; }

    public Results.ResultsClient Results { get; }

    public Models.ModelsClient Models { get; }

    /// <summary>Per-call timeout of the unary calls.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Queues a job. A request without an idempotency key gets a fresh one, so the channel's retries
    /// (and the caller's own) can never queue the job twice.
    /// </summary>
    public async Task<JobTicket> SubmitAsync(ExplainRequest request, CancellationToken cancellationToken = default) =>
        await Explainer.SubmitAsync(WithKey(request), Unary(cancellationToken));

    /// <summary>
    /// Submits and streams the job's events up to its terminal one; with <c>Options.Progress</c> set,
    /// PROGRESS events too (<see cref="JobEvent.Progress"/>: stage, done of total, elapsed, the stage's ETA) while it computes.
    /// </summary>
    public IAsyncEnumerable<JobEvent> ExplainAsync(ExplainRequest request, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
        ReadAll(Explainer.Explain(WithKey(request), new CallOptions(deadline: deadline, cancellationToken: cancellationToken)), cancellationToken);

    /// <summary>
    /// The job's events after <paramref name="afterSequence"/>, then live ones, up to its terminal
    /// event. PROGRESS events are transient: a live job's latest one arrives, none are replayed, and
    /// each carries the sequence of the event before it, so resuming after any event's sequence is safe.
    /// </summary>
    public IAsyncEnumerable<JobEvent> WatchAsync(string jobId, long afterSequence = 0, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
        ReadAll(Results.Watch(new WatchRequest { JobId = jobId, AfterSequence = afterSequence }, new CallOptions(deadline: deadline, cancellationToken: cancellationToken)), cancellationToken);

    public async Task<JobResult> GetAsync(string jobId, CancellationToken cancellationToken = default) =>
        await Results.GetAsync(new GetRequest { JobId = jobId }, Unary(cancellationToken));

    public async Task<CancelReply> CancelAsync(string jobId, CancellationToken cancellationToken = default) =>
        await Explainer.CancelAsync(new CancelRequest { JobId = jobId }, Unary(cancellationToken));

    public async Task<IReadOnlyList<ModelSummary>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        (await Models.ListAsync(new ListModelsRequest(), Unary(cancellationToken))).Models;

    public async Task<ModelDescription> DescribeModelAsync(string name, CancellationToken cancellationToken = default) =>
        await Models.DescribeAsync(new DescribeModelRequest { Name = name }, Unary(cancellationToken));

    public void Dispose() => _ownedChannel?.Dispose();

    private CallOptions Unary(CancellationToken cancellationToken) => new(deadline: DateTime.UtcNow + Timeout, cancellationToken: cancellationToken);

    private static ExplainRequest WithKey(ExplainRequest request)
    {
        if (request.IdempotencyKey.Length > 0)
            return request;
        var keyed = request.Clone();
        keyed.IdempotencyKey = Guid.NewGuid().ToString("N");
        return keyed;
    }

    private static async IAsyncEnumerable<JobEvent> ReadAll(AsyncServerStreamingCall<JobEvent> call, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (call)
        {
            await foreach (var jobEvent in call.ResponseStream.ReadAllAsync(cancellationToken))
                yield return jobEvent;
        }
    }
}
