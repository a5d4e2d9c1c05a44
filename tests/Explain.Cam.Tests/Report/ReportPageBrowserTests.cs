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
        // The files section (original + one overlay per map) and the compare grid (original + heat per 2-D map).
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(run.File("result.json")));
        var methods = doc.RootElement.GetProperty("maps").EnumerateArray().Select(m => m.GetProperty("method").GetString()!).ToList();
        int expected = 1 + methods.Count + 2 * methods.Count(m => !m.StartsWith("guided", StringComparison.Ordinal));
        Assert.Equal(9, expected);
        Assert.Contains($"data-images=\"{expected}\"", result.Stdout);
        Assert.Contains("data-loaded=\"true\"", result.Stdout);
    }

    [Fact]
    public void IndexHtml_HasLegendFootprintAndMethodLines()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());

        var result = HeadlessChromium.DumpDom(run.File("index.html"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("id=\"legend\"", result.Stdout);
        Assert.Contains("linear-gradient(to right,rgb(0,0,128)", result.Stdout); // jet starts dark blue (OpenCV COLORMAP_JET entry 0)
        Assert.Contains("Colormap <b>jet</b>", result.Stdout);
        Assert.Contains("The model saw only the centre of this 224×224 image", result.Stdout);
        Assert.Contains("<b>gradcam</b>: Grad-CAM (Selvaraju et al. 2017)", result.Stdout);
        Assert.DoesNotContain("http://", File.ReadAllText(run.File("index.html"))); // self-contained
        Assert.DoesNotContain("https://", File.ReadAllText(run.File("index.html")));
    }

    [Fact]
    public void IndexHtml_OpacitySliderAndRawSwitch_ChangeTheHeatLayers()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        const string drive = """
            <script>
            window.addEventListener('load', () => {
              const slider = document.getElementById('opacity');
              slider.value = 20;
              slider.dispatchEvent(new Event('input'));
              const heat = [...document.querySelectorAll('img.heat')];
              document.body.dataset.opacities = [...new Set(heat.map(i => i.style.opacity))].join(',');
              document.body.dataset.label = document.getElementById('opacity-value').textContent;
              const raw = document.querySelector('input[name=scale][value=raw]');
              raw.checked = true;
              raw.dispatchEvent(new Event('change'));
              document.body.dataset.raw = String(heat.length > 0 && heat.every(i => i.src === i.dataset.raw && i.dataset.raw !== i.dataset.norm));
            });
            </script>
            """;
        string page = Path.Combine(run.Directory, "index.slider.html");
        File.WriteAllText(page, File.ReadAllText(run.File("index.html")).Replace("</body>", drive + "</body>", StringComparison.Ordinal));

        var result = HeadlessChromium.DumpDom(page);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("data-opacities=\"0.2\"", result.Stdout);
        Assert.Contains("data-label=\"20 %\"", result.Stdout);
        Assert.Contains("data-raw=\"true\"", result.Stdout);
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
