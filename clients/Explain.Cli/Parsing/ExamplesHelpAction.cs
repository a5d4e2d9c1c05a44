using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Explain.Cli.Parsing;

/// <summary>
/// `--help`: System.CommandLine's help (description, usage, every option with its default), then
/// the command's examples. Commands write their examples in their description after a line
/// "Examples:"; <see cref="Install"/> moves them here so command lists stay one line per command.
/// </summary>
internal sealed class ExamplesHelpAction(HelpAction help, IReadOnlyDictionary<Command, string> examples) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        int code = help.Invoke(parseResult);
        if (examples.TryGetValue(parseResult.CommandResult.Command, out var text))
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(text.TrimEnd());
            output.WriteLine();
        }
        return code;
    }

    public static void Install(RootCommand root)
    {
        var examples = new Dictionary<Command, string>();
        foreach (var command in root.Subcommands.Prepend(root))
        {
            string description = command.Description ?? "";
            int at = description.IndexOf("\nExample", StringComparison.Ordinal);
            if (at < 0)
                continue;
            examples[command] = description[(at + 1)..];
            command.Description = description[..at].TrimEnd();
        }
        var option = root.Options.OfType<HelpOption>().Single();
        option.Action = new ExamplesHelpAction((HelpAction)option.Action!, examples);
    }
}
