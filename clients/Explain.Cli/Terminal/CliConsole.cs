namespace Explain.Cli.Terminal;

/// <summary>
/// Where a command writes: results on <see cref="Out"/>, progress and errors on <see cref="Error"/>.
/// Live progress bars only when stdout is the real console and a terminal; otherwise plain lines.
/// </summary>
internal sealed class CliConsole(TextWriter output, TextWriter error, bool interactive)
{
    public static CliConsole System() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb");

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public bool Interactive { get; } = interactive;
}
