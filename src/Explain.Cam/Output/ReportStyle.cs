namespace Explain.Cam.Output;

/// <summary>The report pages' shared CSS: system fonts, fluid images, readable on a phone (no external resources).</summary>
internal static class ReportStyle
{
    public const string Css =
        "body{font-family:system-ui,-apple-system,sans-serif;margin:0 auto;padding:16px;max-width:1200px;color:#222;line-height:1.4}" +
        "h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:1.6em}code{font-size:.9em;word-break:break-all}.muted{color:#666;font-size:.9em}" +
        "table{border-collapse:collapse}td,th{padding:4px 8px;text-align:left;vertical-align:top}img{max-width:100%;height:auto}" +
        ".bar{display:inline-block;height:.8em;background:#4a7bd0;vertical-align:middle;border-radius:2px}";
}
