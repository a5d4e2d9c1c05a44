using Explain.Cam.Tests.Support;

namespace Explain.Cam.Tests.Cli;

/// <summary>
/// One `explain run --model mobilenet_v2 --image both.png --method gradcam,guided-backprop --top-k 2`,
/// made once and shared by the CLI and browser tests (a run takes seconds).
/// </summary>
public sealed class CliRun : IDisposable
{
    private readonly TempDirectory _temp = new("explain-cli");

    public CliRun()
    {
        Directory = _temp.File("out");
        Result = ExplainCli.Run("run", "--model", "mobilenet_v2", "--image", BothScene.ImagePath, "--method", "gradcam,guided-backprop", "--top-k", "2", "--out", Directory);
    }

    public string Directory { get; }

    public ProcessResult Result { get; }

    public string File(string name) => Path.Combine(Directory, name);

    public void Dispose() => _temp.Dispose();
}
