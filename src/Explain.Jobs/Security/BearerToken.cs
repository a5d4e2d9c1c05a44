using Microsoft.AspNetCore.Http;

namespace Explain.Jobs.Security;

/// <summary>The token of an <c>authorization: Bearer …</c> header (RFC 6750 §2.1), and whether it looks like a JWT.</summary>
public static class BearerToken
{
    public static string? From(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        return header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }

    /// <summary>Three base64url parts separated by dots (RFC 7519 §7.2); our API keys contain no dot.</summary>
    public static bool LooksLikeJwt(string token) => token.Count(c => c == '.') == 2;
}
