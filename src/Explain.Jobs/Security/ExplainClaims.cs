using System.Security.Claims;

namespace Explain.Jobs.Security;

/// <summary>The claims our authentication handlers put on a caller's principal.</summary>
public static class ExplainClaims
{
    /// <summary>The caller's tenant: every job belongs to one; Watch/Get/Cancel see only their own.</summary>
    public const string Tenant = "explain:tenant";

    /// <summary>The tenant of an authenticated principal; "" when the service runs without authentication.</summary>
    public static string TenantOf(ClaimsPrincipal? user) => user?.FindFirst(Tenant)?.Value ?? "";
}
