using System.CommandLine;
using Explain.Cli.Terminal;
using Explain.Cli.Tests.Support;

namespace Explain.Cli.Tests;

/// <summary>Issue 15 §1: `--help` on every command lists every option with its default and an example; `--version`.</summary>
public sealed class HelpTests
{
    private static readonly Command Root = ExplainApp.Build(new CliConsole(TextWriter.Null, TextWriter.Null, false));

    public static TheoryData<string> Commands() => new(Root.Subcommands.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_EveryCommand_ListsEveryOptionAndAnExample(string name)
    {
        var command = Root.Subcommands.Single(c => c.Name == name);

        var result = ExplainCli.Run(name, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        // The usage line names the executable (testhost in process, explain from the shell).
        Assert.Matches($@"\n  \S+ {name} (<\w+> )*\[options\]", result.Stdout);
        foreach (var option in command.Options)
            Assert.Contains(option.Name, result.Stdout);
        Assert.Contains("Examples:", result.Stdout.Replace("Example:", "Examples:", StringComparison.Ordinal));
        Assert.Contains($"  explain {name} ", result.Stdout[result.Stdout.IndexOf("Example", StringComparison.Ordinal)..]
            .Replace("source <(explain completion", "  explain completion", StringComparison.Ordinal));
        Assert.Equal("", result.Stderr);
    }

    [Theory]
    [InlineData("run", "--method <a,b>", "[default: gradcam]")]
    [InlineData("run", "--colormap <jet|turbo>", "[default: jet]")]
    [InlineData("run", "--top-k <N>", "[default: 1]")]
    [InlineData("submit", "--server <URL>", "[default: http://127.0.0.1:50051/]")]
    [InlineData("submit", "--timeout <N>", "[default: 300]")]
    [InlineData("serve", "--port <N>", "[default: 50051]")]
    public void Help_OptionWithDefault_ShowsTheDefault(string command, string option, string shown)
    {
        var result = ExplainCli.Run(command, "--help");

        var line = result.Stdout.Split('\n').Single(l => l.Contains(option, StringComparison.Ordinal));
        Assert.Contains(shown, line);
    }

    [Theory]
    [InlineData("run", "-h")]
    [InlineData("submit", "--help")]
    [InlineData("submit", "-?")]
    public void Help_AfterOtherOptions_StillHelps(string command, string help)
    {
        // The issue: `explain run --help` failed with "option --help needs a value".
        var result = ExplainCli.Run(command, "--model", "mobilenet_v2", "--method", "gradcam", help);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Stdout);
    }

    [Fact]
    public void Root_NoArguments_PrintsTheOverviewWithExitCodes()
    {
        var result = ExplainCli.Run();

        Assert.Equal(0, result.ExitCode);
        foreach (var c in Root.Subcommands)
            Assert.Contains(c.Name, result.Stdout);
        Assert.Contains("Exit codes: 0 done, 1 runtime error", result.Stdout);
    }

    [Fact]
    public void Version_PrintsTheAssemblyVersion()
    {
        var result = ExplainCli.Run("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Stdout.Trim());
    }
}
