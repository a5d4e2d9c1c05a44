using Explain.V1;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Explain.Client;

/// <summary>
/// ASP.NET Core (and any Microsoft.Extensions.DependencyInjection) callers: the three generated
/// stubs through Grpc.Net.ClientFactory (pooled handlers, the service config's retries, logging and
/// the GrpcNetClient OpenTelemetry instrumentation for free) and <see cref="ExplainClient"/> over them.
/// </summary>
public static class ExplainClientServiceCollectionExtensions
{
    public static IServiceCollection AddExplainClient(this IServiceCollection services, Action<ExplainClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ExplainClientOptions>().Configure(configure);
        Add<Explainer.ExplainerClient>(services, o => o.Address);
        Add<Models.ModelsClient>(services, o => o.Address);
        Add<Results.ResultsClient>(services, o => o.ResultsAddress ?? o.Address);
        services.AddTransient(sp => new ExplainClient(
            sp.GetRequiredService<Explainer.ExplainerClient>(), sp.GetRequiredService<Results.ResultsClient>(), sp.GetRequiredService<Models.ModelsClient>())
        {
            Timeout = sp.GetRequiredService<IOptions<ExplainClientOptions>>().Value.Timeout,
        });
        return services;
    }

    private static void Add<TClient>(IServiceCollection services, Func<ExplainClientOptions, Uri> address)
        where TClient : class
    {
        services.AddGrpcClient<TClient>((sp, o) => o.Address = address(sp.GetRequiredService<IOptions<ExplainClientOptions>>().Value))
            .ConfigurePrimaryHttpMessageHandler(ExplainChannelConfig.Handler)
            .ConfigureChannel(c =>
            {
                c.ServiceConfig = ExplainChannelConfig.ServiceConfig();
                c.MaxReceiveMessageSize = ExplainChannelConfig.MaxReceiveMessageSize;
                c.MaxSendMessageSize = null;
            });
    }
}
