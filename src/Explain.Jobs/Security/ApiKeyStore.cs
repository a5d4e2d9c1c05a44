using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Security;

/// <summary>
/// API keys from a file of <c>TENANT:SHA256HEX</c> lines (the key itself is never stored; blank
/// lines and <c>#</c> comments are ignored). The file is re-read when it changes — a watcher plus a
/// check of its write time on lookup, so a rotation works even where file events are not delivered
/// (a Kubernetes Secret volume swaps a symlink) — and keys rotate without a restart. A file that
/// fails to parse, or holds no key, keeps the previous keys and is logged.
/// </summary>
public sealed partial class ApiKeyStore : IDisposable
{
    private readonly string _path;
    private readonly ILogger<ApiKeyStore> _logger;
    private readonly FileSystemWatcher? _watcher;
    private volatile Snapshot _snapshot = new(new Dictionary<string, string>(StringComparer.Ordinal), DateTime.MinValue);

    public ApiKeyStore(string path, ILogger<ApiKeyStore> logger)
    {
        _path = Path.GetFullPath(path);
        _logger = logger;
        _snapshot = Load() ?? throw new InvalidOperationException($"--api-keys: cannot read '{_path}'");
        var dir = Path.GetDirectoryName(_path)!;
        _watcher = new FileSystemWatcher(dir) { IncludeSubdirectories = false, EnableRaisingEvents = true };
        _watcher.Changed += (_, _) => Reload();
        _watcher.Created += (_, _) => Reload();
        _watcher.Renamed += (_, _) => Reload();
    }

    /// <summary>How many keys are loaded now.</summary>
    public int Count => Current().Keys.Count;

    /// <summary>The tenant of <paramref name="key"/>, or null when no line holds its hash.</summary>
    public string? TenantOf(string key)
    {
        string hash = Hash(key);
        return Current().Keys.TryGetValue(hash, out var tenant) ? tenant : null;
    }

    /// <summary>The line to add to the keys file for <paramref name="key"/>.</summary>
    public static string Line(string tenant, string key) => $"{tenant}:{Hash(key)}";

    /// <summary>A fresh key: 32 random bytes, base64url (no padding), prefixed so it is recognisable in a secret scanner.</summary>
    public static string NewKey() => "exk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A tenant name: 1-64 of letters, digits, '.', '_', '-' (it becomes a metric label and a key prefix).</summary>
    public static bool IsValidTenant(string tenant) => TenantName().IsMatch(tenant);

    public void Dispose() => _watcher?.Dispose();

    private Snapshot Current()
    {
        var snapshot = _snapshot;
        if (File.GetLastWriteTimeUtc(_path) != snapshot.WriteTime)
            Reload();
        return _snapshot;
    }

    private void Reload()
    {
        if (Load() is { } fresh)
            _snapshot = fresh;
    }

    private Snapshot? Load()
    {
        try
        {
            var written = File.GetLastWriteTimeUtc(_path);
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            int number = 0;
            foreach (var raw in File.ReadLines(_path))
            {
                number++;
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                    continue;
                int colon = line.LastIndexOf(':');
                string tenant = colon > 0 ? line[..colon] : "", hash = colon > 0 ? line[(colon + 1)..].ToLowerInvariant() : "";
                if (!IsValidTenant(tenant) || hash.Length != 64 || !hash.All(Uri.IsHexDigit))
                    throw new FormatException($"line {number} is not TENANT:SHA256HEX");
                keys[hash] = tenant;
            }
            // NOTE: a writer truncates before it writes; an empty read is such a moment far more often
            // than a wish to revoke every key, so it keeps the previous keys (revoke by removing lines).
            if (keys.Count == 0)
                throw new FormatException("no keys");
            SecurityLog.KeysLoaded(_logger, keys.Count, _path);
            return new Snapshot(keys, written);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            SecurityLog.KeysUnreadable(_logger, _path, e.Message);
            return null;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex TenantName();

    private sealed record Snapshot(IReadOnlyDictionary<string, string> Keys, DateTime WriteTime);
}
