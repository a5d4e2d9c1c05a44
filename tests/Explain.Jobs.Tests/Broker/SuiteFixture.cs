namespace Explain.Jobs.Tests.Broker;

/// <summary>The whole suite on a real broker: ingestion and results in process, two worker processes.</summary>
public sealed class SuiteFixture : IAsyncLifetime
{
    public BrokerFixture Broker { get; } = new();

    public List<WorkerProcess> Workers { get; } = [];

    public InProcessService Ingestion { get; private set; } = null!;

    public InProcessService Results { get; set; } = null!;

    public async Task InitializeAsync()
    {
        await Broker.InitializeAsync();
        Ingestion = await InProcessService.IngestionAsync(Broker.Uri);
        Results = await InProcessService.ResultsAsync(Broker.Uri);
        Workers.Add(WorkerProcess.Start(Broker.Uri));
        Workers.Add(WorkerProcess.Start(Broker.Uri));
    }

    public async Task DisposeAsync()
    {
        foreach (var worker in Workers)
            worker.Dispose();
        await Results.DisposeAsync();
        await Ingestion.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
