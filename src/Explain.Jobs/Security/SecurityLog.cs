using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Security;

internal static partial class SecurityLog
{
    [LoggerMessage(1, LogLevel.Information, "Loaded {Count} API keys from {Path}")]
    public static partial void KeysLoaded(ILogger logger, int count, string path);

    [LoggerMessage(2, LogLevel.Warning, "API keys file {Path} could not be read ({Reason}); the previous keys stay in force")]
    public static partial void KeysUnreadable(ILogger logger, string path, string reason);
}
