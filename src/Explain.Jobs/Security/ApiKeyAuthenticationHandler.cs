using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Explain.Jobs.Security;

/// <summary>
/// <c>authorization: Bearer KEY</c> where KEY is one of <see cref="ApiKeyStore"/>'s keys: the
/// principal carries the key's tenant. No header: no result (the request stays anonymous and
/// authorization answers UNAUTHENTICATED); an unknown key: a failure.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken.From(Request) is not { } key)
            return Task.FromResult(AuthenticateResult.NoResult());
        if (keys.TenantOf(key) is not { } tenant)
            return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
        var identity = new ClaimsIdentity([new Claim(ExplainClaims.Tenant, tenant), new Claim(ClaimTypes.Name, tenant)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
