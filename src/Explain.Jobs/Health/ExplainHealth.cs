using Grpc.AspNetCore.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Explain.Jobs.Health;

/// <summary>
/// grpc.health.v1 per service name, from ASP.NET Core health checks: a service is SERVING only
/// while what it needs is up. Explainer needs the transport and the model store, Models the model
/// store, Results the transport; "" (the whole server, what Kubernetes' grpc probe asks when no
/// service is named) needs every check the host registered. Explainer and Results also wait for
/// the results index to finish replaying the events stream (idempotency keys, known jobs) — a worker's "" is its readiness.
/// "explain.liveness" depends on no check: liveness probes ask it.
/// </summary>
public static class ExplainHealth
{
    public const string TransportTag = "transport";

    public const string ModelStoreTag = "model-store";

    /// <summary>The results index has caught up with the events stream (<see cref="ResultsReplayHealthCheck"/>): hosts with an index only.</summary>
    public const string ResultsIndexTag = "results-index";

    /// <summary>SERVING while the process answers at all: the liveness probe's name (a broker outage must not restart pods).</summary>
    public const string LivenessService = "explain.liveness";

    private const string LivenessTag = "liveness";

    /// <summary>How often Watch calls see a re-evaluation (Check always evaluates afresh).</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    /// <summary>The checks and the whole-server name; every host calls it once (AddExplainCore).</summary>
    public static IServiceCollection AddExplainHealthChecks(this IServiceCollection services)
    {
        services.AddGrpcHealthChecks(o =>
        {
            o.Services.Clear();
            o.Services.Map("", _ => true);
            o.Services.Map(LivenessService, c => c.Tags.Contains(LivenessTag));
        })
            .AddCheck<TransportHealthCheck>("transport", tags: [TransportTag])
            .AddCheck<ModelStoreHealthCheck>("model-store", tags: [ModelStoreTag])
            // A service mapped to no check reports UNKNOWN; liveness needs one that holds while the process answers.
            .AddCheck("process", () => HealthCheckResult.Healthy("answering"), tags: [LivenessTag]);
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.Zero;
            o.Period = Period;
        });
        return services;
    }

    /// <summary>The results index's replay check, registered once however many services of the host read the index.</summary>
    internal static IServiceCollection AddResultsReplayHealth(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ResultsReplayHealthCheck)))
            return services;
        services.AddSingleton<ResultsReplayHealthCheck>();
        services.AddHealthChecks().AddCheck<ResultsReplayHealthCheck>("results-index", tags: [ResultsIndexTag]);
        return services;
    }

    /// <summary>Reports <paramref name="service"/> (a full gRPC service name) from the checks with any of <paramref name="tags"/>.</summary>
    public static IServiceCollection AddServiceHealth(this IServiceCollection services, string service, params string[] tags)
    {
        services.Configure<GrpcHealthChecksOptions>(o => o.Services.Map(service, c => tags.Any(c.Tags.Contains)));
        return services;
    }
}
