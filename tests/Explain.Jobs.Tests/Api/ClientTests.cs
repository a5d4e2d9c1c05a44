using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Explain.Client;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;
using StatusCode = Grpc.Core.StatusCode;

namespace Explain.Jobs.Tests.Api;

/// <summary>
/// The .NET client's channel configuration on the wire: the service config retries UNAVAILABLE
/// (a submission keeps its idempotency key across attempts), AddExplainClient wires the stubs
/// through the client factory, and the GrpcNetClient instrumentation traces client calls.
/// </summary>
public sealed class ClientTests(ServeFixture server) : IClassFixture<ServeFixture>
{
    [Fact]
    public async Task ListModels_TwoUnavailableAnswers_RetriedToSuccess()
    {
        await using var flaky = await FlakyServer.StartAsync(failures: 2);
        using var client = new ExplainClient(flaky.Address);

        var models = await client.ListModelsAsync();

        Assert.Equal("flaky", Assert.Single(models).Name);
        Assert.Equal(3, flaky.ListAttempts);
    }

    [Fact]
    public async Task ListModels_AlwaysUnavailable_GivesUpAfterFiveAttempts()
    {
        await using var flaky = await FlakyServer.StartAsync(failures: int.MaxValue);
        using var client = new ExplainClient(flaky.Address);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.ListModelsAsync());

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal(5, flaky.ListAttempts);
    }

    [Fact]
    public async Task Submit_WithoutKey_RetryCarriesTheSameFreshKey()
    {
        await using var flaky = await FlakyServer.StartAsync(failures: 1);
        using var client = new ExplainClient(flaky.Address);

        var ticket = await client.SubmitAsync(new ExplainRequest { Model = "m" });

        var keys = flaky.SubmitKeys.ToArray();
        Assert.Equal(2, keys.Length);
        Assert.Equal(32, keys[0].Length);
        Assert.Equal(keys[0], keys[1]);
        Assert.Equal(keys[0], ticket.JobId);
    }

    [Fact]
    public async Task Cancel_InvalidArgument_NotRetried()
    {
        await using var flaky = await FlakyServer.StartAsync(failures: 0);
        using var client = new ExplainClient(flaky.Address);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.CancelAsync("x"));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(1, flaky.CancelAttempts);
    }

    [Fact]
    public async Task Unary_PastTimeout_DeadlineExceeded()
    {
        await using var flaky = await FlakyServer.StartAsync(failures: 0, describeDelay: TimeSpan.FromSeconds(30));
        using var client = new ExplainClient(flaky.Address) { Timeout = TimeSpan.FromMilliseconds(300) };

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.DescribeModelAsync("slow"));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task AddExplainClient_ResolvedClient_TalksToTheServiceAndIsTraced()
    {
        var spans = new List<Activity>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddExplainClient(o => o.Address = server.Host.Address);
        using var tracing = Sdk.CreateTracerProviderBuilder().AddGrpcClientInstrumentation().AddInMemoryExporter(spans).Build();
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<ExplainClient>();
        var models = await client.ListModelsAsync();
        tracing!.ForceFlush();

        Assert.Contains(models, m => m.Name == RepoPaths.SmallModel);
        var span = Assert.Single(spans, s => s.DisplayName == "explain.v1.Models/List");
        Assert.Equal(ActivityKind.Client, span.Kind);
        string tags = string.Join(", ", span.TagObjects.Select(t => $"{t.Key}={t.Value}"));
        // The instrumentation follows the current RPC semantic conventions (rpc.system.name, rpc.response.status_code).
        Assert.True(span.GetTagItem("rpc.system.name") is "grpc", tags);
        Assert.Equal("explain.v1.Models/List", span.GetTagItem("rpc.method"));
        Assert.Equal("OK", span.GetTagItem("rpc.response.status_code"));
    }

    /// <summary>A grpc-dotnet server of the public API that answers UNAVAILABLE to the first calls.</summary>
    private sealed class FlakyServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private FlakyServer(WebApplication app, Uri address, State state)
        {
            _app = app;
            Address = address.ToString();
            _state = state;
        }

        private readonly State _state;

        public string Address { get; }

        public int ListAttempts => _state.List;

        public int CancelAttempts => _state.Cancel;

        public IReadOnlyCollection<string> SubmitKeys => _state.Keys;

        public static async Task<FlakyServer> StartAsync(int failures, TimeSpan? describeDelay = null)
        {
            var state = new State { Failures = failures, DescribeDelay = describeDelay ?? TimeSpan.Zero };
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(state);
            var app = builder.Build();
            app.MapGrpcService<FlakyModels>();
            app.MapGrpcService<FlakyExplainer>();
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return new FlakyServer(app, address, state);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed class State
    {
        public int Failures;
        public int List;
        public int Cancel;
        public TimeSpan DescribeDelay;
        public readonly ConcurrentQueue<string> Keys = new();

        public void MaybeFail(int attempt)
        {
            if (attempt <= Failures)
                throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, $"attempt {attempt} refused"));
        }
    }

    private sealed class FlakyModels(State state) : Explain.V1.Models.ModelsBase
    {
        public override Task<ListModelsReply> List(ListModelsRequest request, ServerCallContext context)
        {
            state.MaybeFail(Interlocked.Increment(ref state.List));
            return Task.FromResult(new ListModelsReply { Models = { new ModelSummary { Name = "flaky" } } });
        }

        public override async Task<ModelDescription> Describe(DescribeModelRequest request, ServerCallContext context)
        {
            await Task.Delay(state.DescribeDelay, context.CancellationToken);
            return new ModelDescription { Name = request.Name };
        }
    }

    private sealed class FlakyExplainer(State state) : Explainer.ExplainerBase
    {
        public override Task<JobTicket> Submit(ExplainRequest request, ServerCallContext context)
        {
            state.Keys.Enqueue(request.IdempotencyKey);
            state.MaybeFail(state.Keys.Count);
            return Task.FromResult(new JobTicket { JobId = request.IdempotencyKey });
        }

        public override Task<CancelReply> Cancel(CancelRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref state.Cancel);
            throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, "bad id"));
        }
    }
}
