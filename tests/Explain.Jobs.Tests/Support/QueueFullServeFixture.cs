using Explain.Jobs.Hosting;
using Explain.Messaging;

namespace Explain.Jobs.Tests.Support;

/// <summary>Ingestion and results with no worker and a queue of one job: the second Submit meets a full queue.</summary>
public sealed class QueueFullServeFixture : ServeFixture
{
    protected override ServeRoles Roles => ServeRoles.Ingestion | ServeRoles.Results;

    protected override InMemoryTransport CreateTransport() => new(new InMemoryTransportOptions { Capacity = 1 });
}
