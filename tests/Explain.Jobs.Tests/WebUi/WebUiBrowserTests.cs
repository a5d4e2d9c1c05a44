using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Google.Protobuf;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Explain.Jobs.Tests.WebUi;

/// <summary>
/// Issue 15, part 4: the web UI at / of `explain serve`'s HTTP port in a real browser. Upload
/// both.png, ask Grad-CAM for classes 243 and 281 on mobilenet_v2: the heatmaps appear, the page's
/// predictions and maps are the API's, PROGRESS reaches the page, the bundle downloads, and the page
/// fits a phone's width. Screenshots in artifacts/screenshots/.
/// </summary>
public sealed class WebUiBrowserTests(HttpServeFixture server, ITestOutputHelper output) : IClassFixture<HttpServeFixture>
{
    private const string Model = "mobilenet_v2";

    [Fact]
    public async Task StaticFiles_ServedFromTheAssembly_WithAStrictPolicy()
    {
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        using var index = await http.GetAsync("/");
        using var script = await http.GetAsync("/ui/app.js");
        using var missing = await http.GetAsync("/ui/nothing.js");

        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        string html = await index.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"ui/app.js\"></script>", html);
        Assert.DoesNotContain("http://", html + await script.Content.ReadAsStringAsync()); // nothing from another origin
        Assert.Contains("default-src 'none'", index.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/ui/app.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", script.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task UploadBothPng_GradCam243And281_HeatmapsAndNumbersMatchTheApi()
    {
        // What the API says for the same photo, model, method and classes.
        var request = new ExplainRequest { Model = Model, Image = ByteString.CopyFrom(File.ReadAllBytes(RepoPaths.Image("both.png"))), Methods = { "gradcam" }, Targets = new Targets { Classes = { 243, 281 } } };
        var api = new List<JobEvent>();
        await foreach (var e in server.Client.ExplainAsync(request, DateTime.UtcNow.AddMinutes(3)))
            api.Add(e);
        var predictions = api.Single(e => e.KindCase == JobEvent.KindOneofCase.Predictions).Predictions.Predictions_;
        var maps = api.Where(e => e.KindCase == JobEvent.KindOneofCase.Heatmap).ToDictionary(e => e.Heatmap.Target, e => e.Heatmap);

        await using var browser = await BrowserSession.StartAsync();
        var page = await browser.NewPageAsync();
        page.Console += (_, m) => output.WriteLine($"console {m.Type}: {m.Text}");
        await page.GotoAsync(server.HttpAddress.ToString());
        await page.WaitForSelectorAsync("body[data-state=model]");
        await page.SelectOptionAsync("#model", Model);
        await page.SetInputFilesAsync("#image", RepoPaths.Image("both.png"));
        await page.WaitForSelectorAsync("body[data-state=ready]");

        // The offered classes: the API's top 5, in order, with the same probabilities.
        var offered = await page.EvalOnSelectorAllAsync<Offered[]>("#predictions li",
            "items => items.map(li => ({ classIndex: +li.dataset.class, probability: +li.dataset.probability, text: li.querySelector('.p').textContent }))");
        Assert.Equal(predictions.Select(p => p.ClassIndex), offered.Select(o => o.ClassIndex));
        foreach (var (shown, p) in offered.Zip(predictions))
        {
            Assert.Equal(p.Probability, (float)shown.Probability); // the JSON API's number, as float32
            Assert.Equal($"{Math.Round(p.Probability * 100.0, 1, MidpointRounding.AwayFromZero).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} %", shown.Text);
        }

        await page.EvalOnSelectorAllAsync("#predictions input", "boxes => boxes.forEach(b => b.checked = false)");
        await page.FillAsync("#extra-classes", "243, 281");
        Assert.Equal(["gradcam"], await page.EvalOnSelectorAllAsync<string[]>("#methods input:checked", "boxes => boxes.map(b => b.value)"));
        await page.ClickAsync("#run");
        await page.WaitForSelectorAsync("body[data-state=done]");

        foreach (var target in new[] { "c243", "c281" })
        {
            Assert.Equal("true", await page.GetAttributeAsync($"#cell-gradcam-{target}", "data-drawn"));
            var expected = maps[target];
            var shown = await page.EvaluateAsync<ShownMap>($$"""
                () => {
                  const h = ui.heatmaps.find(m => m.target === '{{target}}');
                  const canvas = document.querySelector('#cell-gradcam-{{target}} canvas.heat');
                  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                  const argmax = h.map.reduce((best, v, i, a) => v > a[best] ? i : best, 0);
                  const colours = new Set();
                  for (let i = 0; i < pixels.length; i += 4) colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
                  return { width: canvas.width, height: canvas.height, sum: h.map.reduce((s, v) => s + v, 0), argmax,
                           red: pixels[4 * argmax], blue: pixels[4 * argmax + 2], colours: colours.size };
                }
                """);
            Assert.Equal((224, 224), (shown.Width, shown.Height));
            // Same request on the same server: the same floats (JSON carries float32 exactly); summing in
            // double on both sides leaves only ordering noise far below 1e-6 relative.
            Assert.Equal(expected.Map.Sum(v => (double)v), shown.Sum, 1e-6 * expected.Map.Count);
            int argmax = expected.Map.Select((v, i) => (v, i)).MaxBy(t => t.v).i;
            Assert.Equal(argmax, shown.Argmax);
            Assert.True(shown.Red >= 120 && shown.Blue == 0, $"the hottest pixel is drawn as rgb({shown.Red}, ?, {shown.Blue}), not jet's dark red");
            Assert.True(shown.Colours > 50, $"only {shown.Colours} colours in the heat layer");
        }
        // PROGRESS events reached the page: the worker's stages and the heatmaps arrived.
        foreach (var stage in new[] { "forward", "backward", "gradcam", "heatmaps" })
            Assert.Equal("true", await page.EvaluateAsync<string>($"() => String(document.querySelector('.stage[data-stage={stage}]')?.dataset.done === document.querySelector('.stage[data-stage={stage}]')?.dataset.total)"));
        await page.FillAsync("#opacity", "25");
        Assert.Equal(["0.25"], await page.EvalOnSelectorAllAsync<string[]>("canvas.heat", "cs => [...new Set(cs.map(c => c.style.opacity))]"));
        await page.FillAsync("#opacity", "60");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.Screenshots, "web-ui-gradcam-243-281.png"), FullPage = true });

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download"));
        string zip = Path.Combine(BrowserSession.Screenshots, "..", "web-ui-bundle.zip");
        await download.SaveAsAsync(zip);
        using (var archive = ZipFile.OpenRead(zip))
        {
            Assert.Equal(["gradcam-c243.png", "gradcam-c281.png", "input.png", "result.json"], archive.Entries.Select(e => e.FullName).Order());
            using var result = JsonDocument.Parse(archive.GetEntry("result.json")!.Open());
            Assert.Equal(predictions.Select(p => p.ClassIndex), result.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("classIndex").GetInt32()));
            Assert.Equal(File.ReadAllBytes(RepoPaths.Image("both.png")), ReadAll(archive.GetEntry("input.png")!));
            byte[] overlay = ReadAll(archive.GetEntry("gradcam-c243.png")!);
            Assert.Equal(maps["c243"].OverlayPng.ToByteArray(), overlay); // the server's overlay at the photo's resolution
        }
    }

    [Fact]
    public async Task PhoneViewport_NoSidewaysScrolling()
    {
        await using var browser = await BrowserSession.StartAsync();
        var page = await browser.NewPageAsync(390, 844, deviceScale: 2);
        await page.GotoAsync(server.HttpAddress.ToString());
        await page.WaitForSelectorAsync("body[data-state=model]");
        await page.SelectOptionAsync("#model", RepoPaths.SmallModel);
        await page.SetInputFilesAsync("#image", RepoPaths.Image("both.png"));
        await page.WaitForSelectorAsync("body[data-state=ready]");
        await page.ClickAsync("#run");
        await page.WaitForSelectorAsync("body[data-state=done]");

        int width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.Screenshots, "web-ui-phone.png"), FullPage = true });

        Assert.True(width <= 390, $"the page is {width} px wide on a 390 px phone");
        Assert.Equal(1, await page.Locator(".cell[data-drawn=true]").CountAsync());
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    // Playwright fills these from the page's JSON by property name (it needs settable properties).
    private sealed class Offered
    {
        public int ClassIndex { get; set; }
        public double Probability { get; set; }
        public string Text { get; set; } = "";
    }

    private sealed class ShownMap
    {
        public int Width { get; set; }
        public int Height { get; set; }
        public double Sum { get; set; }
        public int Argmax { get; set; }
        public int Red { get; set; }
        public int Blue { get; set; }
        public int Colours { get; set; }
    }
}
