using System.Net;

namespace Explain.Jobs.Hosting;

/// <summary>
/// Who may call a host and over what: API keys and/or JWT bearer tokens (either turns
/// authentication on for every RPC but health), TLS from PEM files, and whether a non-loopback
/// bind without authentication was asked for explicitly.
/// </summary>
public sealed record EdgeSecurity
{
    /// <summary>TENANT:SHA256HEX lines, re-read when the file changes.</summary>
    public string? ApiKeysFile { get; init; }

    public string? JwtIssuer { get; init; }

    public string? JwtAudience { get; init; }

    /// <summary>The token signing key(s): a PEM public key (RSA or EC), or a base64 symmetric key (HS256).</summary>
    public string? JwtKeyFile { get; init; }

    /// <summary>The JWT claim that names the caller's tenant.</summary>
    public string TenantClaim { get; init; } = "tenant";

    public string? TlsCertificate { get; init; }

    public string? TlsKey { get; init; }

    public bool Insecure { get; init; }

    public bool AuthenticationEnabled => ApiKeysFile is not null || JwtKeyFile is not null;

    public bool TlsEnabled => TlsCertificate is not null;

    /// <exception cref="ArgumentException">An incomplete combination (a TLS certificate without its key, JWT settings without a key).</exception>
    public void Validate()
    {
        if ((TlsCertificate is null) != (TlsKey is null))
            throw new ArgumentException("--tls-cert and --tls-key go together");
        if (JwtKeyFile is null && (JwtIssuer is not null || JwtAudience is not null))
            throw new ArgumentException("--jwt-issuer/--jwt-audience need --jwt-key (the signing key to check tokens with)");
        if (JwtKeyFile is not null && (JwtIssuer is null || JwtAudience is null))
            throw new ArgumentException("--jwt-key needs --jwt-issuer and --jwt-audience");
        foreach (var file in new[] { ApiKeysFile, JwtKeyFile, TlsCertificate, TlsKey })
            if (file is not null && !File.Exists(file))
                throw new ArgumentException($"file '{file}' not found");
    }

    /// <summary>Refuses to expose an unauthenticated service beyond this machine unless told to.</summary>
    /// <exception cref="ArgumentException">A non-loopback address without authentication or --insecure.</exception>
    public void CheckExposure(IPAddress address)
    {
        if (!IPAddress.IsLoopback(address) && !AuthenticationEnabled && !Insecure)
            throw new ArgumentException($"listening on {address} without authentication: give --api-keys FILE or --jwt-key … (or --insecure to expose it anyway)");
    }
}
