using Explain.Jobs.Hosting;
using Explain.Messaging;

namespace Explain.Jobs.Tests.Support;

/// <summary>Ingestion and results with no worker and a queue bounded at 300 000 bytes (room for three 90 kB photos), however many jobs.</summary>
public sealed class QueueBytesServeFixture : ServeFixture
{
    public const long MaxBytes = 300_000;

    protected override ServeRoles Roles => ServeRoles.Ingestion | ServeRoles.Results;

    protected override InMemoryTransport CreateTransport() => new(new InMemoryTransportOptions { MaxBytes = MaxBytes });
}
