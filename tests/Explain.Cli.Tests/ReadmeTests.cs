using System.Text.RegularExpressions;
using Explain.Cli.Tests.Support;

namespace Explain.Cli.Tests;

/// <summary>
/// Every `./explain` command in the README's bash blocks that needs no server runs as written
/// (from the repository folder, `--out` redirected to a temporary folder) and succeeds: a README
/// that drifts from the CLI fails the build. The service commands (serve, submit) are the lead's.
/// </summary>
public sealed partial class ReadmeTests
{
    public static TheoryData<string> Commands() => new(ReadmeCommands());

    private static List<string> ReadmeCommands()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var commands = new List<string>();
        foreach (Match block in BashBlock().Matches(readme))
        {
            string joined = block.Groups[1].Value.Replace("\\\n", " ", StringComparison.Ordinal);
            foreach (var line in joined.Split('\n').Select(l => l.Trim()))
                if (line.StartsWith("./explain ", StringComparison.Ordinal) && !Regex.IsMatch(line, @"^\./explain (serve|submit)\b"))
                    commands.Add(Regex.Replace(line, @"\s+#.*$", ""));
        }
        return commands;
    }

    [Fact]
    public void Readme_HasTheDemoCommand()
    {
        Assert.Contains(ReadmeCommands(), c => c.Contains("run --model mobilenet_v2 --image ../shared/data/images/both.png", StringComparison.Ordinal)
            && c.Contains("--method gradcam,gradcam++,layercam,guided-gradcam --class 243,281", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void ReadmeCommand_RunsAsWritten(string command)
    {
        using var temp = new TempDirectory("cli-readme");
        // As written when the shared folder is ../shared; elsewhere ($EXPLAIN_SHARED) its path stands in.
        var args = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(a => a.Replace("../shared/", RepoPaths.Shared + "/", StringComparison.Ordinal)).ToList();
        int outAt = args.IndexOf("--out");
        if (outAt >= 0)
            args[outAt + 1] = temp.File(args[outAt + 1].Replace('/', '_'));

        var result = ExplainCli.Process(RepoPaths.Root, args, TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, $"{command}\n{result}");
        if (outAt >= 0)
            Assert.True(File.Exists(Path.Combine(args[outAt + 1], "index.html")), $"{command}: no index.html in {args[outAt + 1]}");
    }

    [GeneratedRegex("```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}
