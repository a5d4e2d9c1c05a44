using Microsoft.Playwright;

namespace Explain.Jobs.Tests.WebUi;

/// <summary>
/// Debian's chromium (/usr/bin/chromium; scripts/install-test-deps.sh installs it) driven by
/// Playwright for .NET with its executable path set: Playwright downloads no browser. Screenshots go
/// to artifacts/screenshots/.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private BrowserSession(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static string Screenshots
    {
        get
        {
            string dir = Path.Combine(Support.RepoPaths.Root, "artifacts", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public static async Task<BrowserSession> StartAsync()
    {
        if (!File.Exists(Chromium))
            throw new Xunit.Sdk.XunitException($"{Chromium} is missing: scripts/install-test-deps.sh installs Debian's chromium");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new BrowserSession(playwright, browser);
    }

    /// <param name="deviceScale">2 for a phone's screen.</param>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900, float deviceScale = 1)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true, DeviceScaleFactor = deviceScale,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(180_000); // the first job loads mobilenet_v2 and compiles its gradient graph on two busy cores
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
