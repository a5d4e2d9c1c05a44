using System.Security.Claims;
using System.Security.Cryptography;
using Explain.Jobs.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Explain.Jobs.Security;

/// <summary>
/// Authentication and authorization of the edge. With API keys or JWT configured, every endpoint
/// needs an authenticated principal with a tenant (gRPC: UNAUTHENTICATED without one, PERMISSION_DENIED
/// for a valid token without a tenant claim) except health (probes) and the metrics port's scrape.
/// Both kinds arrive as <c>authorization: Bearer …</c>: a token shaped like a JWT goes to the JWT
/// handler, anything else is looked up as an API key.
/// </summary>
public static class ExplainSecurity
{
    public const string Scheme = "Explain";

    public static IServiceCollection AddExplainSecurity(this IServiceCollection services, EdgeSecurity security)
    {
        services.AddSingleton(security);
        if (!security.AuthenticationEnabled)
        {
            services.AddAuthorization();
            return services;
        }
        var auth = services.AddAuthentication(Scheme).AddPolicyScheme(Scheme, "API key or JWT", o => o.ForwardDefaultSelector = context =>
            BearerToken.From(context.Request) is { } token && BearerToken.LooksLikeJwt(token) && security.JwtKeyFile is not null
                ? JwtBearerDefaults.AuthenticationScheme
                : security.ApiKeysFile is not null ? ApiKeyAuthenticationHandler.SchemeName : JwtBearerDefaults.AuthenticationScheme);
        if (security.ApiKeysFile is { } keys)
        {
            services.AddSingleton(sp => new ApiKeyStore(keys, sp.GetRequiredService<ILogger<ApiKeyStore>>()));
            auth.AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        }
        if (security.JwtKeyFile is { } keyFile)
            auth.AddJwtBearer(o => ConfigureJwt(o, security, keyFile));
        services.AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder(Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim(ExplainClaims.Tenant)
            .Build());
        return services;
    }

    /// <summary>Authentication and authorization middleware (between routing and the endpoints).</summary>
    public static WebApplication UseExplainSecurity(this WebApplication app)
    {
        if (app.Services.GetRequiredService<EdgeSecurity>().AuthenticationEnabled)
            app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    private static void ConfigureJwt(JwtBearerOptions options, EdgeSecurity security, string keyFile)
    {
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = security.JwtIssuer,
            ValidAudience = security.JwtAudience,
            IssuerSigningKey = ReadKey(keyFile),
            ValidateIssuerSigningKey = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                // The configured claim names the tenant; only a well-formed name becomes ours.
                if (context.Principal?.FindFirst(security.TenantClaim)?.Value is { } tenant && ApiKeyStore.IsValidTenant(tenant))
                    context.Principal.AddIdentity(new ClaimsIdentity([new Claim(ExplainClaims.Tenant, tenant)]));
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>A PEM public key (RSA or EC) or a base64 symmetric key.</summary>
    private static SecurityKey ReadKey(string file)
    {
        string text = File.ReadAllText(file).Trim();
        if (!text.Contains("-----BEGIN", StringComparison.Ordinal))
            return new SymmetricSecurityKey(Convert.FromBase64String(text));
        if (text.Contains("EC ", StringComparison.Ordinal) || TryEc(text) is not null)
            return new ECDsaSecurityKey(TryEc(text) ?? throw new ArgumentException($"--jwt-key: '{file}' is not a PEM EC key"));
        var rsa = RSA.Create();
        rsa.ImportFromPem(text);
        return new RsaSecurityKey(rsa);
    }

    private static ECDsa? TryEc(string pem)
    {
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return ec;
        }
        catch (ArgumentException)
        {
            ec.Dispose();
            return null;
        }
        catch (CryptographicException)
        {
            ec.Dispose();
            return null;
        }
    }
}
