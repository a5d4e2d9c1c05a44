using Explain.Jobs.Ingestion;
using Explain.Jobs.Results;
using Explain.Jobs.Security;
using Explain.V1;
using Grpc.Core;

namespace Explain.Jobs.GrpcServices;

/// <summary>explain.v1.Explainer: Submit, Explain (submit + watch) and Cancel over the ingestion facade.</summary>
/// <remarks>Refusals (<see cref="JobRejectedException"/>) become statuses in <see cref="DomainErrorInterceptor"/>.</remarks>
public sealed class ExplainerGrpcService(IngestionService ingestion, ResultsIndex index, ResultsMetrics resultsMetrics, JobsOptions options) : Explainer.ExplainerBase
{
    public override Task<JobTicket> Submit(ExplainRequest request, ServerCallContext context) =>
        ingestion.SubmitAsync(request, Tenant(context), null, context.CancellationToken);

    public override async Task Explain(ExplainRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        var ticket = await ingestion.SubmitAsync(request, Tenant(context), RpcErrors.CallDeadline(context), context.CancellationToken);
        await WatchStreams.CopyAsync(index, resultsMetrics, options, ticket.JobId, 0, responseStream, context);
    }

    private static string Tenant(ServerCallContext context) => ExplainClaims.TenantOf(context.GetHttpContext().User);

    public override async Task<CancelReply> Cancel(CancelRequest request, ServerCallContext context)
    {
        await ingestion.CancelAsync(request.JobId, Tenant(context), context.CancellationToken);
        return new CancelReply { Accepted = true };
    }
}
