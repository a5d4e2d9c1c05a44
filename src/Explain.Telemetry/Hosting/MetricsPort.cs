using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Explain.Telemetry.Hosting;

/// <summary>
/// The Kestrel endpoint(s) opened for scrapes. Kestrel writes the bound port back into the
/// <see cref="ListenOptions"/> (port 0 becomes the OS-chosen one), so it is read per request.
/// </summary>
public sealed class MetricsPort
{
    private readonly List<ListenOptions> _endpoints = [];

    internal void Add(ListenOptions endpoint)
    {
        lock (_endpoints)
            _endpoints.Add(endpoint);
    }

    public bool Serves(int localPort)
    {
        lock (_endpoints)
            return _endpoints.Any(e => e.IPEndPoint?.Port == localPort);
    }
}
