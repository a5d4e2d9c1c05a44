using System.Net;
using Explain.Client;
using Grpc.Core;
using Grpc.Net.Client;
using Explain.Jobs.Hosting;
using Explain.Jobs.Models;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Tests.Safety;

/// <summary>
/// Issue 12 part 7 on the real host: broken models are listed unavailable with the loader's
/// reason, Describe and Submit answer FAILED_PRECONDITION, paths leaving the folder are refused,
/// and the reason is logged at warning once.
/// </summary>
public sealed class ModelStoreTests : IDisposable
{
    private readonly BrokenModelStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Catalog_BrokenModels_UnavailableWithReasonLoggedOnce()
    {
        var logs = new ListLogger();
        var catalog = new ModelCatalog(new JobsOptions { ModelStore = _store.Root }, logs);

        var availability = catalog.Names.ToDictionary(n => n, n => catalog.Availability(n));
        foreach (var name in catalog.Names)
            catalog.Availability(name); // asked again: already known, not loaded or logged again

        Assert.True(availability[BrokenModelStore.Good].Available);
        foreach (var broken in BrokenModelStore.Broken)
        {
            Assert.False(availability[broken].Available, broken);
            Assert.False(string.IsNullOrEmpty(availability[broken].Reason), broken);
            Assert.Single(logs.Warnings, w => w.Contains($"Model {broken} is unavailable", StringComparison.Ordinal));
        }
        Assert.Contains("FancyOp", availability["unsupported_op"].Reason);
        Assert.Contains("labels", availability["labels_escape"].Reason);
        Assert.Contains("labels", availability["labels_link"].Reason);
        var error = Assert.Throws<JobRejectedException>(() => catalog.Get("truncated"));
        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
    }

    [Fact]
    public void Catalog_BrokenModelFixed_LoadsOnTheNextRequest()
    {
        var catalog = new ModelCatalog(new JobsOptions { ModelStore = _store.Root });
        Assert.False(catalog.Availability("bad_json").Available);

        File.WriteAllText(Path.Combine(_store.Root, "bad_json", "model.json"), File.ReadAllText(Path.Combine(RepoPaths.ModelStore, BrokenModelStore.Good, "model.json")));

        Assert.True(catalog.Availability("bad_json").Available);
    }

    [Fact]
    public async Task Serve_BrokenModels_ListedUnavailableAndFailedPrecondition()
    {
        var options = new JobsOptions { ModelStore = _store.Root, WorkerConcurrency = 1, ThreadsPerJob = 2 };
        await using var host = await ServeHost.StartAsync(new HostArguments(0, null, null, _store.Root, 1), options, IPAddress.Loopback, l => l.ClearProviders());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new ExplainClient(channel.CreateCallInvoker());

        var list = await client.ListModelsAsync();
        var describe = await Assert.ThrowsAsync<RpcException>(() => client.DescribeModelAsync("labels_escape"));
        var submit = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(Requests.Image(model: "truncated")));
        var good = await client.DescribeModelAsync(BrokenModelStore.Good);

        Assert.True(list.Single(m => m.Name == BrokenModelStore.Good).Available);
        Assert.All(BrokenModelStore.Broken, b => Assert.False(list.Single(m => m.Name == b).Available));
        Assert.All(BrokenModelStore.Broken, b => Assert.NotEmpty(list.Single(m => m.Name == b).UnavailableReason));
        Assert.Equal(StatusCode.FailedPrecondition, describe.StatusCode);
        Assert.DoesNotContain("root:", describe.Status.Detail);
        Assert.Equal(StatusCode.FailedPrecondition, submit.StatusCode);
        Assert.Contains("truncated", submit.Status.Detail);
        Assert.DoesNotContain(good.Labels, l => l.StartsWith("root:", StringComparison.Ordinal));
    }

    private sealed class ListLogger : ILogger<ModelCatalog>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
                lock (Warnings) Warnings.Add(formatter(state, exception));
        }
    }
}
