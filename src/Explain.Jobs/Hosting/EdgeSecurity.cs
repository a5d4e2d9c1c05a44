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

    /// <summary>
    /// Mutual TLS: a PEM file of the CA(s) whose client certificates are accepted. With it, every
    /// request but the health checks and the metrics scrape must come over a connection whose client
    /// certificate chains to one of them (HTTP 401 / UNAUTHENTICATED otherwise; a certificate from
    /// another CA fails the handshake). Needs --tls-cert. Authentication of the caller (tenant) is still
    /// the bearer token's, when API keys or JWT are configured.
    /// </summary>
    public string? TlsClientCa { get; init; }

    public bool Insecure { get; init; }

    public bool MutualTls => TlsClientCa is not null;

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
        if (TlsClientCa is not null && TlsCertificate is null)
            throw new ArgumentException("--tls-client-ca (mutual TLS) needs --tls-cert and --tls-key");
        foreach (var file in new[] { ApiKeysFile, JwtKeyFile, TlsCertificate, TlsKey, TlsClientCa })
            if (file is not null && !File.Exists(file))
                throw new ArgumentException($"file '{file}' not found");
    }

    /// <summary>Refuses to expose an unauthenticated service beyond this machine unless told to.</summary>
    /// <exception cref="ArgumentException">A non-loopback address without authentication or --insecure.</exception>
    public void CheckExposure(IPAddress address)
    {
        if (!IPAddress.IsLoopback(address) && !AuthenticationEnabled && !MutualTls && !Insecure)
            throw new ArgumentException($"listening on {address} without authentication: give --api-keys FILE, --jwt-key … or --tls-client-ca FILE (or --insecure to expose it anyway)");
    }
}
