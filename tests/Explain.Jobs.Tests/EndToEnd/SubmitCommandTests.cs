using Explain.Cli.Commands;
using Explain.Jobs.Tests.Support;

namespace Explain.Jobs.Tests.EndToEnd;

/// <summary>`explain submit` against the server writes what `explain run` writes in process, byte for byte.</summary>
public sealed class SubmitCommandTests(ServeFixture server) : IClassFixture<ServeFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("explain-submit-").FullName;

    [Fact]
    public void Submit_SameArgumentsAsRun_SameMapFilesAndResult()
    {
        string image = RepoPaths.Image("both.png");
        string[] common = ["--model", RepoPaths.SmallModel, "--image", image, "--method", "gradcam,layercam,guided-gradcam", "--class", "243,281"];
        string remote = Path.Combine(_dir, "submit"), local = Path.Combine(_dir, "run");

        int submitted = SubmitCommand.Run([.. common, "--server", server.Host.Address.ToString(), "--out", remote]);
        int ran = RunCommand.Run([.. common, "--out", local]);

        Assert.Equal(0, submitted);
        Assert.Equal(0, ran);
        var files = Directory.GetFiles(local).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(files, Directory.GetFiles(remote).Select(Path.GetFileName).Order().ToList());
        Assert.Equal(6 * 3 + 3, files.Count); // .npy, .raw.npy, .png per map; input.png, result.json, index.html
        foreach (var npy in files.Where(f => f!.EndsWith(".npy", StringComparison.Ordinal)))
            Assert.Equal(File.ReadAllBytes(Path.Combine(local, npy!)), File.ReadAllBytes(Path.Combine(remote, npy!)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(local, "gradcam-c243.png")), File.ReadAllBytes(Path.Combine(remote, "gradcam-c243.png")));
    }

    /// <summary>A similarity to a second picture (issue 14 part 5): the pair's maps, the reference's drawn on the reference picture, as `explain run` writes them.</summary>
    [Fact]
    public void Submit_SimilarToAnImage_WritesThePairAsRunDoes()
    {
        string[] common = ["--model", RepoPaths.SmallModel, "--image", RepoPaths.Image("both.png"), "--method", "gradcam", "--target", $"similar:{RepoPaths.Image("horses.jpg")}"];
        string remote = Path.Combine(_dir, "submit-pair"), local = Path.Combine(_dir, "run-pair");

        Assert.Equal(0, SubmitCommand.Run([.. common, "--server", server.Host.Address.ToString(), "--out", remote]));
        Assert.Equal(0, RunCommand.Run([.. common, "--out", local]));

        var files = Directory.GetFiles(local).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(files, Directory.GetFiles(remote).Select(Path.GetFileName).Order().ToList());
        Assert.Contains("reference.png", files);
        foreach (var overlay in new[] { "gradcam-similarity-image.png", "gradcam-similarity-image@reference.png" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(local, overlay)), File.ReadAllBytes(Path.Combine(remote, overlay)));
        Assert.Contains("\"pairs\": [", File.ReadAllText(Path.Combine(remote, "result.json")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
