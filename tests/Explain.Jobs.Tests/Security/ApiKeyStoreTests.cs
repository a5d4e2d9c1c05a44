using Explain.Jobs.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace Explain.Jobs.Tests.Security;

public sealed class ApiKeyStoreTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public void TenantOf_KeyFromItsLine_TheTenant_AndTheFileHoldsNoKey()
    {
        string key = ApiKeyStore.NewKey();
        File.WriteAllLines(_file, ["# comment", "", ApiKeyStore.Line("team-a", key)]);
        using var store = new ApiKeyStore(_file, NullLogger<ApiKeyStore>.Instance);

        Assert.Equal("team-a", store.TenantOf(key));
        Assert.Null(store.TenantOf(key + "x"));
        Assert.DoesNotContain(key, File.ReadAllText(_file));
    }

    [Fact]
    public void Reload_BrokenFile_KeepsThePreviousKeys()
    {
        string key = ApiKeyStore.NewKey();
        File.WriteAllLines(_file, [ApiKeyStore.Line("team-a", key)]);
        using var store = new ApiKeyStore(_file, NullLogger<ApiKeyStore>.Instance);

        File.WriteAllLines(_file, ["team-a:not-a-hash"]);
        File.SetLastWriteTimeUtc(_file, DateTime.UtcNow.AddSeconds(5));

        Assert.Equal("team-a", store.TenantOf(key));
    }

    [Theory]
    [InlineData("team a")]
    [InlineData("")]
    [InlineData("a/b")]
    public void IsValidTenant_Bad_False(string tenant) => Assert.False(ApiKeyStore.IsValidTenant(tenant));

    public void Dispose() => File.Delete(_file);
}
