using System.CommandLine;
using Explain.Cli.Terminal;

namespace Explain.Cli.Commands;

/// <summary>
/// `explain completion bash|zsh`: prints a script that asks `explain` itself for completions
/// through System.CommandLine's [suggest:POSITION] directive, so commands, options and values
/// (methods, colormaps, model names) complete from the same definitions the parser uses.
/// </summary>
internal static class CompletionCommand
{
    private const string Bash = """
        # explain: bash completion (source <(explain completion bash), or save it under ~/.local/share/bash-completion/completions/explain)
        _explain_complete() {
          local IFS=$'\n'
          local words
          words=$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
          COMPREPLY=( $(compgen -W "${words}" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _explain_complete explain
        """;

    private const string Zsh = """
        # explain: zsh completion (source <(explain completion zsh) in ~/.zshrc)
        _explain_complete() {
          local -a words
          words=("${(@f)$(explain "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)}")
          compadd -a words
        }
        compdef _explain_complete explain
        """;

    public static Command Create(CliConsole console)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", """
            Print a shell completion script for commands, options, methods, colormaps and model names.

            Examples:
              source <(explain completion bash)
              explain completion zsh > ~/.zsh/explain.zsh
            """) { shell };
        command.SetAction(p =>
        {
            console.Out.WriteLine(p.GetValue(shell) == "zsh" ? Zsh : Bash);
            return ExplainApp.Ok;
        });
        return command;
    }
}
