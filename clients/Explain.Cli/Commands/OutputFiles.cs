namespace Explain.Cli.Commands;

/// <summary>File names derived from ONNX tensor names, which may contain '/' and ':'.</summary>
internal static class OutputFiles
{
    public static string SafeName(string tensorName) =>
        string.Concat(tensorName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
