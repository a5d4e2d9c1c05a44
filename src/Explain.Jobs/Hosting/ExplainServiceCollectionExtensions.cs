using Explain.Jobs.Admission;
using Explain.Jobs.GrpcServices;
using Explain.Jobs.Health;
using Explain.Jobs.Ingestion;
using Explain.Jobs.Models;
using Explain.Jobs.Results;
using Explain.Jobs.Worker;
using Explain.Messaging;
using Explain.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Explain.Jobs.Hosting;

/// <summary>The three components as DI registrations; a host adds the ones it runs (explain serve adds all three).</summary>
public static class ExplainServiceCollectionExtensions
{
    public static IServiceCollection AddExplainCore(this IServiceCollection services, JobsOptions options, IMessageTransport transport)
    {
        services.AddMetrics();
        services.TryAddSingleton(options);
        services.TryAddSingleton(options.Limits.Validated());
        services.TryAddSingleton<TenantLabels>();
        services.TryAddSingleton(transport);
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton<ModelsGrpcService>();
        services.TryAddSingleton<DomainErrorInterceptor>();
        return services.AddExplainHealthChecks();
    }

    /// <summary>Explainer and Models services; Explain's streams need a results index, fed here too.</summary>
    public static IServiceCollection AddExplainIngestion(this IServiceCollection services)
    {
        services.TryAddSingleton<RequestValidator>();
        services.TryAddSingleton(_ => new ActiveJobs());
        services.TryAddSingleton(sp => new AdmissionControl(sp.GetRequiredService<JobLimits>(), sp.GetRequiredService<ActiveJobs>()));
        services.TryAddSingleton<IdempotencyCache>();
        services.TryAddSingleton<IngestionMetrics>();
        services.TryAddSingleton<IngestionService>();
        services.TryAddSingleton<ExplainerGrpcService>();
        services.AddServiceHealth(Explainer.Descriptor.FullName, ExplainHealth.TransportTag, ExplainHealth.ModelStoreTag, ExplainHealth.ResultsIndexTag);
        services.AddServiceHealth(Explain.V1.Models.Descriptor.FullName, ExplainHealth.ModelStoreTag);
        return services.AddResultsIndex();
    }

    public static IServiceCollection AddExplainWorker(this IServiceCollection services)
    {
        services.TryAddSingleton<WorkerMetrics>();
        services.TryAddSingleton<ExplainerCache>();
        services.TryAddSingleton<ComputeThreads>();
        services.TryAddSingleton<JobRunner>();
        services.TryAddSingleton<JobEnding>();
        services.TryAddSingleton<JobControl>();
        services.AddHostedService<JobControlListener>();
        services.AddHostedService<WorkerService>();
        return services;
    }

    public static IServiceCollection AddExplainResults(this IServiceCollection services)
    {
        services.TryAddSingleton<ResultsGrpcService>();
        services.AddServiceHealth(Explain.V1.Results.Descriptor.FullName, ExplainHealth.TransportTag, ExplainHealth.ResultsIndexTag);
        return services.AddResultsIndex();
    }

    private static IServiceCollection AddResultsIndex(this IServiceCollection services)
    {
        services.TryAddSingleton<ResultsMetrics>(sp => new ResultsMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), tenants: sp.GetRequiredService<TenantLabels>()));
        services.TryAddSingleton<ResultsIndex>();
        services.AddHostedService<ResultsIndexer>();
        return services.AddResultsReplayHealth();
    }
}
