using Explain.Jobs.GrpcServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Explain.Jobs.Hosting;

/// <summary>Maps the public API's services registered by <see cref="ExplainServiceCollectionExtensions"/>.</summary>
public static class ExplainEndpointRouteBuilderExtensions
{
    /// <summary>explain.v1.Explainer and explain.v1.Models.</summary>
    public static IEndpointRouteBuilder MapExplainIngestion(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<ExplainerGrpcService>();
        endpoints.MapGrpcService<ModelsGrpcService>();
        return endpoints;
    }

    /// <summary>explain.v1.Results.</summary>
    public static IEndpointRouteBuilder MapExplainResults(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<ResultsGrpcService>();
        return endpoints;
    }
}
