using Explain.Cam.Tests.Cli;
using Explain.Cam.Tests.Support;
using Explain.Imaging;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Report;

/// <summary>
/// Issue 3: the page is opened in headless Chromium, a screenshot is taken, and every image on it
/// must have loaded. The check is a load handler appended to a copy of index.html (beside the
/// original, so relative paths resolve) that records on &lt;body&gt; whether every &lt;img&gt;
/// decoded; Chromium's --dump-dom shows the result.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ReportPageBrowserTests(CliRun run, ITestOutputHelper output)
{
    private const string LoadCheck = """
        <script>
        window.addEventListener('load', () => {
          const images = [...document.images];
          document.body.dataset.images = String(images.length);
          document.body.dataset.loaded = String(images.length > 0 && images.every(i => i.complete && i.naturalWidth > 0));
        });
        </script>
        """;

    [Fact]
    public void IndexHtml_OpenedInChromium_EveryImageLoads()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        string page = WithLoadCheck(run.File("index.html"), "index.loadcheck.html", html => html);

        var result = HeadlessChromium.DumpDom(page);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("data-images=\"5\"", result.Stdout); // the original and four overlays
        Assert.Contains("data-loaded=\"true\"", result.Stdout);
    }

    [Fact]
    public void IndexHtml_WithBrokenImage_LoadCheckReportsFalse()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        string page = WithLoadCheck(run.File("index.html"), "index.broken.html", html => html.Replace("src=\"gradcam-c242.png\"", "src=\"missing.png\"", StringComparison.Ordinal));

        var result = HeadlessChromium.DumpDom(page);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("data-loaded=\"false\"", result.Stdout);
    }

    [Fact]
    public void IndexHtml_Screenshot_ShowsARenderedPage()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        string dir = Path.Combine(RepoPaths.Root, "artifacts", "test-logs");
        Directory.CreateDirectory(dir);
        string png = Path.Combine(dir, "report-page.png");
        File.Delete(png);

        var result = HeadlessChromium.Screenshot(run.File("index.html"), png);

        Assert.True(result.ExitCode == 0 && File.Exists(png), result.ToString());
        var shot = ImageDecoder.DecodeFile(png);
        Assert.Equal((1400, 1000), (shot.Width, shot.Height));
        int distinct = shot.Pixels.Chunk(3).Select(p => (p[0] << 16) | (p[1] << 8) | p[2]).Distinct().Count();
        output.WriteLine($"screenshot {png}: {new FileInfo(png).Length} bytes, {distinct} distinct colours");
        Assert.True(distinct > 1000, $"the screenshot has only {distinct} colours: the page did not render its images");
    }

    private static string WithLoadCheck(string indexHtml, string name, Func<string, string> edit)
    {
        string html = edit(File.ReadAllText(indexHtml));
        Assert.Contains("</body>", html);
        string copy = Path.Combine(Path.GetDirectoryName(indexHtml)!, name);
        File.WriteAllText(copy, html.Replace("</body>", LoadCheck + "</body>", StringComparison.Ordinal));
        return copy;
    }
}
