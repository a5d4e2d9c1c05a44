using Explain.Cli.Tests.Support;
using System.Security.Cryptography;
using System.Text;

namespace Explain.Cli.Tests;

public sealed class KeysCommandTests
{
    [Fact]
    public void KeysNew_PrintsAKeyAndTheLineHoldingOnlyItsHash()
    {
        var result = ExplainCli.Run("keys", "new", "team-a");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("team-a:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines[0]))), lines[1]);
        Assert.DoesNotContain(lines[0], lines[1]);
    }

    [Fact]
    public void KeysNew_BadTenant_UsageError()
    {
        var result = ExplainCli.Run("keys", "new", "team a/b");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("tenant 'team a/b'", result.Stderr);
    }
}
