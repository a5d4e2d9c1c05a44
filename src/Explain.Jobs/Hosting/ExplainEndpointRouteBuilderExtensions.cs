using Explain.Api;
using Explain.Grpc.Server;
using Explain.Jobs.GrpcServices;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Jobs.Hosting;

/// <summary>Maps the public API's services registered by <see cref="ExplainServiceCollectionExtensions"/>.</summary>
public static class ExplainEndpointRouteBuilderExtensions
{
    /// <summary>explain.v1.Explainer and explain.v1.Models.</summary>
    public static IEndpointRouteBuilder MapExplainIngestion(this IEndpointRouteBuilder endpoints)
    {
        var explainer = endpoints.ServiceProvider.GetRequiredService<ExplainerGrpcService>();
        var models = endpoints.ServiceProvider.GetRequiredService<ModelsGrpcService>();
        endpoints.MapGrpcService(ApiMethods.ExplainerService, b => ExplainerGrpcService.Bind(b, explainer));
        endpoints.MapGrpcService(ApiMethods.ModelsService, b => ModelsGrpcService.Bind(b, models));
        return endpoints;
    }

    /// <summary>explain.v1.Results.</summary>
    public static IEndpointRouteBuilder MapExplainResults(this IEndpointRouteBuilder endpoints)
    {
        var results = endpoints.ServiceProvider.GetRequiredService<ResultsGrpcService>();
        endpoints.MapGrpcService(ApiMethods.ResultsService, b => ResultsGrpcService.Bind(b, results));
        return endpoints;
    }
}
