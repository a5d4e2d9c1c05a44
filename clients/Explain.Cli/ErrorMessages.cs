using System.Text.Json;
using Explain.Engine.Errors;
using Explain.Cli.Schema;
using Explain.Imaging;

namespace Explain.Cli;

/// <summary>Runtime errors shown to users as one line: the cause, without .NET's "(Parameter 'x')" or a stack trace.</summary>
internal static class ErrorMessages
{
    public static bool IsUserFacing(Exception e) =>
        e is EngineException or IOException or ArgumentException or JsonException or FormatException or ImagingException
            or InvalidDataException or ModelJsonException or UnauthorizedAccessException;

    public static string Of(Exception e) => e switch
    {
        ArgumentException { ParamName: { } name } a => a.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal),
        _ => e.Message,
    };
}
