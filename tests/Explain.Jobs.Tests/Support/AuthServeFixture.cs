using System.Security.Claims;
using Explain.Client;
using Explain.Jobs.Hosting;
using Explain.Jobs.Security;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Explain.Jobs.Tests.Support;

/// <summary>
/// `explain serve` with authentication on: an API keys file with tenants alpha and beta, and JWTs
/// signed with a test HS256 key (issuer "test-issuer", audience "explain", tenant claim "org").
/// </summary>
public sealed class AuthServeFixture : ServeFixture, IDisposable
{
    public const string Issuer = "test-issuer";
    public const string Audience = "explain";

    private readonly string _dir = Directory.CreateTempSubdirectory("explain-auth-").FullName;
    private readonly byte[] _jwtKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public AuthServeFixture()
    {
        AlphaKey = ApiKeyStore.NewKey();
        BetaKey = ApiKeyStore.NewKey();
        WriteKeys((("alpha", AlphaKey)), ("beta", BetaKey));
        File.WriteAllText(JwtKeyFile, Convert.ToBase64String(_jwtKey));
    }

    public string AlphaKey { get; }

    public string BetaKey { get; }

    public string KeysFile => Path.Combine(_dir, "api-keys");

    private string JwtKeyFile => Path.Combine(_dir, "jwt.key");

    protected override bool OpenHttpPort => true;

    protected override EdgeSecurity Security => new()
    {
        ApiKeysFile = KeysFile, JwtIssuer = Issuer, JwtAudience = Audience, JwtKeyFile = JwtKeyFile, TenantClaim = "org",
    };

    /// <summary>Without credentials: only health answers.</summary>
    protected override GrpcChannelOptions CreateChannelOptions() => ExplainChannelConfig.ChannelOptions();

    public void WriteKeys(params (string Tenant, string Key)[] keys) =>
        File.WriteAllLines(KeysFile, ["# test keys", .. keys.Select(k => ApiKeyStore.Line(k.Tenant, k.Key))]);

    public ExplainClient ClientWith(string? bearer) =>
        new(GrpcChannel.ForAddress(Host.Address, ExplainChannelConfig.ChannelOptions(bearer, null)).CreateCallInvoker());

    public string Jwt(string? tenant, TimeSpan? lifetime = null, string issuer = Issuer, byte[]? key = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "user-1" };
        if (tenant is not null)
            claims["org"] = tenant;
        var now = DateTime.UtcNow;
        var life = lifetime ?? TimeSpan.FromMinutes(5);
        var expires = life > TimeSpan.Zero ? now + life : now + life;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = Audience, Claims = claims,
            IssuedAt = expires - TimeSpan.FromMinutes(10), NotBefore = expires - TimeSpan.FromMinutes(10), Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? _jwtKey), SecurityAlgorithms.HmacSha256),
        });
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
