using Explain.Jobs.Tests.Support;

namespace Explain.Jobs.Tests.Broker;

/// <summary>A real broker with ingestion and results in process and one worker process, all on the family model store (issue 14 part 4).</summary>
public sealed class FamilyBrokerFixture : IAsyncLifetime
{
    public BrokerFixture Broker { get; } = new();

    public InProcessService Ingestion { get; private set; } = null!;

    public InProcessService Results { get; private set; } = null!;

    public WorkerProcess Worker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        string store = Path.GetDirectoryName(RepoPaths.Family("lraspp_mobilenet_v3", "model.json"))!;
        store = Path.GetDirectoryName(store)!;
        await Broker.InitializeAsync();
        Ingestion = await InProcessService.IngestionAsync(Broker.Uri, store);
        Results = await InProcessService.ResultsAsync(Broker.Uri);
        Worker = WorkerProcess.Start(Broker.Uri, store);
    }

    public async Task DisposeAsync()
    {
        Worker?.Dispose();
        if (Results is not null)
            await Results.DisposeAsync();
        if (Ingestion is not null)
            await Ingestion.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
