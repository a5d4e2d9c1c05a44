namespace Explain.Cam.Tests.Support;

/// <summary>
/// Debian's `chromium` (scripts/install-test-deps.sh installs it) run headless with nothing that
/// reaches the network, a throw-away profile, and a virtual-time budget so the page's images and
/// load handlers finish before the DOM is dumped or the screenshot taken.
/// </summary>
public static class HeadlessChromium
{
    public const string Binary = "chromium";

    public static ProcessResult DumpDom(string htmlFile) => Run(htmlFile, "--dump-dom");

    public static ProcessResult Screenshot(string htmlFile, string pngFile) => Run(htmlFile, $"--screenshot={pngFile}", "--window-size=1400,1000");

    private static ProcessResult Run(string htmlFile, params string[] action)
    {
        using var profile = new TempDirectory("chromium-profile");
        string[] common =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            $"--user-data-dir={profile.Path}", "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000",
        ];
        return ChildProcess.Run(Binary, [.. common, .. action, new Uri(htmlFile).AbsoluteUri], timeout: TimeSpan.FromMinutes(2));
    }
}
