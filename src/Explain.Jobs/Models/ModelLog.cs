using Microsoft.Extensions.Logging;

namespace Explain.Jobs.Models;

internal static partial class ModelLog
{
    [LoggerMessage(1, LogLevel.Warning, "Model {Model} is unavailable: {Reason}")]
    public static partial void Unavailable(ILogger logger, string model, string reason);
}
