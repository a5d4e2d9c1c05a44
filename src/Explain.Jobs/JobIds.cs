using System.Security.Cryptography;

namespace Explain.Jobs;

/// <summary>
/// Job ids: 128 random bits from the OS CSPRNG as 32 lowercase hex digits, so that knowing one
/// job's id tells nothing about another's (ids are the only capability Watch and Get ask for).
/// </summary>
public static class JobIds
{
    public const int Length = 32;

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsWellFormed(string? id) =>
        id is { Length: Length } && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
