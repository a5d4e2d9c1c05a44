using Explain.Client;
using Explain.Jobs.Hosting;
using Explain.Jobs.Security;
using Grpc.Net.Client;

namespace Explain.Jobs.Tests.Support;

/// <summary>`explain serve` with API keys for a fixed set of tenants, and a client per tenant.</summary>
public abstract class TenantsServeFixture : ServeFixture, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("explain-tenants-").FullName;
    private readonly Dictionary<string, string> _keys;
    private readonly Dictionary<string, ExplainClient> _clients = new(StringComparer.Ordinal);

    protected TenantsServeFixture(params string[] tenants)
    {
        _keys = tenants.ToDictionary(t => t, _ => ApiKeyStore.NewKey(), StringComparer.Ordinal);
        File.WriteAllLines(KeysFile, _keys.Select(k => ApiKeyStore.Line(k.Key, k.Value)));
    }

    private string KeysFile => Path.Combine(_dir, "api-keys");

    protected override EdgeSecurity Security => new() { ApiKeysFile = KeysFile };

    /// <summary>A client sending the tenant's key (one channel per tenant).</summary>
    public ExplainClient For(string tenant)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(tenant, out var client))
                _clients[tenant] = client = new ExplainClient(GrpcChannel.ForAddress(Host.Address, ExplainChannelConfig.ChannelOptions(_keys[tenant], null)).CreateCallInvoker());
            return client;
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
