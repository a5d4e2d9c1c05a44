using Explain.Grpc;
using Explain.V1;
using Google.Protobuf.Reflection;

namespace Explain.Api;

/// <summary>The public API's services and methods, bound from the generated descriptors (one place for both ends).</summary>
public static class ApiMethods
{
    public static ServiceDescriptor ExplainerService { get; } = ExplainerReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Explainer");

    public static ServiceDescriptor ResultsService { get; } = ResultsReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Results");

    public static ServiceDescriptor ModelsService { get; } = ModelsReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Models");

    public static Method<ExplainRequest, JobTicket> Submit { get; } = Method<ExplainRequest, JobTicket>.Create(ExplainerService, "Submit");

    public static Method<ExplainRequest, JobEvent> Explain { get; } = Method<ExplainRequest, JobEvent>.Create(ExplainerService, "Explain");

    public static Method<CancelRequest, CancelReply> Cancel { get; } = Method<CancelRequest, CancelReply>.Create(ExplainerService, "Cancel");

    public static Method<WatchRequest, JobEvent> Watch { get; } = Method<WatchRequest, JobEvent>.Create(ResultsService, "Watch");

    public static Method<GetRequest, JobResult> Get { get; } = Method<GetRequest, JobResult>.Create(ResultsService, "Get");

    public static Method<ListModelsRequest, ListModelsReply> ListModels { get; } = Method<ListModelsRequest, ListModelsReply>.Create(ModelsService, "List");

    public static Method<DescribeModelRequest, ModelDescription> DescribeModel { get; } = Method<DescribeModelRequest, ModelDescription>.Create(ModelsService, "Describe");

    /// <summary>The terminal events: after one of them a job's stream ends.</summary>
    public static bool IsTerminal(JobEvent e) => e.KindCase is JobEvent.KindOneofCase.Completed or JobEvent.KindOneofCase.Failed or JobEvent.KindOneofCase.Cancelled;

    /// <summary>The state a job is in once this event happened.</summary>
    public static JobState StateAfter(JobEvent e) => e.KindCase switch
    {
        JobEvent.KindOneofCase.Queued => JobState.Queued,
        JobEvent.KindOneofCase.Completed => JobState.Completed,
        JobEvent.KindOneofCase.Failed => JobState.Failed,
        JobEvent.KindOneofCase.Cancelled => JobState.Cancelled,
        JobEvent.KindOneofCase.None => JobState.Unspecified,
        _ => JobState.Running,
    };
}
