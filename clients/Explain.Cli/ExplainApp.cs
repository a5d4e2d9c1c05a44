using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Explain.Cli.Commands;
using Explain.Cli.Parsing;
using Explain.Cli.Terminal;

namespace Explain.Cli;

/// <summary>
/// The `explain` command line: every command, parsed and validated by System.CommandLine, with
/// the exit codes 0 (done), 1 (a runtime error: a corrupt image, a model that fails to load, a
/// server that answers with an error) and 2 (the command line is wrong: unknown command, option
/// or value, a missing file; nothing was run).
/// </summary>
public static class ExplainApp
{
    public const int Ok = 0;
    public const int RuntimeError = 1;
    public const int UsageError = 2;

    /// <summary>Runs one command line; output and errors go to the given writers (default: the console).</summary>
    public static int Invoke(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var console = output is null && error is null ? CliConsole.System() : new CliConsole(output ?? TextWriter.Null, error ?? TextWriter.Null, interactive: false);
        var root = Build(console);
        var result = root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is ParseErrorAction or null)
            return ReportParseErrors(result, console);
        string command = result.CommandResult.Command == root ? "explain" : "explain " + result.CommandResult.Command.Name;
        try
        {
            return result.Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (UsageException e)
        {
            console.Error.WriteLine($"{command}: {e.Message}");
            console.Error.WriteLine($"Run '{command} --help' for usage.");
            return UsageError;
        }
        catch (Exception e) when (ErrorMessages.IsUserFacing(e))
        {
            console.Error.WriteLine($"{command}: error: {ErrorMessages.Of(e)}");
            return RuntimeError;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("EXPLAIN_DEBUG") is not "1")
        {
            console.Error.WriteLine($"{command}: internal error: {e.GetType().Name}: {ErrorMessages.Of(e)} (EXPLAIN_DEBUG=1 shows where)");
            return RuntimeError;
        }
    }

    internal static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand("""
            Visual explanations of image classifiers: Grad-CAM-family heatmaps of ONNX models, computed in process or by the service.

            Exit codes: 0 done, 1 runtime error (bad image, model or server answer), 2 usage error (nothing was run).
            Shell completion: source <(explain completion bash)   (or zsh)

            Examples:
              explain models
              explain run --model mobilenet_v2 --image photo.jpg --method gradcam,scorecam --top-k 2 --out out/photo
              explain run --help
            """);
        root.Subcommands.Add(RunCommand.Create(console));
        root.Subcommands.Add(InferCommand.Create(console));
        root.Subcommands.Add(LayersCommand.Create(console));
        root.Subcommands.Add(ModelsCommand.Create(console));
        root.Subcommands.Add(ImportCommand.Create(console));
        root.Subcommands.Add(ServeCommand.Create(console));
        root.Subcommands.Add(SubmitCommand.Create(console));
        root.Subcommands.Add(KeysCommand.Create(console));
        root.Subcommands.Add(CompletionCommand.Create(console));
        ExamplesHelpAction.Install(root);
        root.SetAction(p =>
        {
            // `explain` alone: the overview, as `explain --help` prints it.
            return root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error });
        });
        return root;
    }

    private static int ReportParseErrors(ParseResult result, CliConsole console)
    {
        var command = result.CommandResult.Command;
        string name = command is RootCommand ? "explain" : "explain " + command.Name;
        var unmatched = result.UnmatchedTokens.ToHashSet(StringComparer.Ordinal);
        foreach (var error in result.Errors)
        {
            string? token = unmatched.FirstOrDefault(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal));
            if (token is not null)
            {
                console.Error.WriteLine($"{name}: {Unrecognized(command, token)}");
                unmatched.Remove(token);
            }
            else
                console.Error.WriteLine($"{name}: {error.Message}");
        }
        console.Error.WriteLine($"Run '{name} --help' for usage.");
        return UsageError;
    }

    private static string Unrecognized(Command command, string token)
    {
        var options = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(a => a.StartsWith("--", StringComparison.Ordinal));
        if (token.StartsWith('-'))
            return $"unknown option '{token}'.{Suggestions.DidYouMean(token, options)}";
        var commands = command.Subcommands.Select(c => c.Name).ToList();
        return commands.Count > 0
            ? $"unknown command '{token}'.{Suggestions.DidYouMean(token, commands)} Commands: {string.Join(", ", commands)}."
            : $"unexpected argument '{token}' (values follow their option, e.g. --image a.png b.png).";
    }
}
