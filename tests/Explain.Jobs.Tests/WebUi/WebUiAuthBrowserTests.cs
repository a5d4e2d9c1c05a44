using Explain.Jobs.Tests.Support;
using Microsoft.Playwright;

namespace Explain.Jobs.Tests.WebUi;

/// <summary>The web UI with authentication on: the page loads without a key, asks for one, and every API call carries it.</summary>
public sealed class WebUiAuthBrowserTests(AuthServeFixture server) : IClassFixture<AuthServeFixture>
{
    [Fact]
    public async Task AuthOn_PageAsksForKey_WrongKeyRefused_RightKeyWorks()
    {
        await using var browser = await BrowserSession.StartAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri($"http://127.0.0.1:{server.HttpPort}/").ToString());
        await page.WaitForSelectorAsync("body[data-state=auth]");
        Assert.True(await page.IsVisibleAsync("#api-key"));
        Assert.Equal(0, await page.Locator("#model option").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.Screenshots, "web-ui-api-key.png") });

        await page.FillAsync("#api-key", "not-a-key");
        await page.ClickAsync("#auth-save");
        await page.WaitForSelectorAsync("#auth-error:has-text('refused')");
        Assert.Equal("auth", await page.GetAttributeAsync("body", "data-state"));

        await page.FillAsync("#api-key", server.AlphaKey);
        await page.ClickAsync("#auth-save");
        await page.WaitForSelectorAsync("body[data-state=model]");
        Assert.True(await page.Locator("#model option").CountAsync() >= 4);
        await page.SelectOptionAsync("#model", RepoPaths.SmallModel);
        await page.SetInputFilesAsync("#image", RepoPaths.Image("both.png"));
        await page.WaitForSelectorAsync("body[data-state=ready]"); // POST /v1/jobs and its events stream, with the key

        // The same API from the page without the header is refused: the key is what lets it in.
        int bare = await page.EvaluateAsync<int>("async () => (await fetch('/v1/models')).status");
        Assert.Equal(401, bare);
    }
}
