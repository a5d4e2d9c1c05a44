using System.Globalization;
using System.Net;
using System.Text;

namespace Explain.Cam.Output;

/// <summary>DIR/index.html of a run over several inputs: one card per input (its first overlay, top prediction), linking to its own report.</summary>
public static class RunIndexPage
{
    /// <summary>Writes DIR/index.html and returns its path.</summary>
    public static string Write(string directory, IReadOnlyList<RunIndexEntry> entries)
    {
        Directory.CreateDirectory(directory);
        string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Explain: ").Append(entries.Count).Append(" inputs</title><style>").Append(ReportStyle.Css)
            .Append(".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:14px}.card{border:1px solid #ddd;border-radius:8px;padding:8px;text-decoration:none;color:inherit}")
            .Append(".card img{width:100%;height:auto;border-radius:4px}</style></head><body>");
        var first = entries.FirstOrDefault()?.Result;
        html.Append("<h1>").Append(entries.Count).Append(" inputs explained").Append(first is null ? "" : " by " + E(first.Model)).Append("</h1>")
            .Append("<p>Each card opens that input's report: heatmaps per method and class, the colour legend and a compare view.</p><div class=\"cards\">");
        foreach (var entry in entries)
        {
            var r = entry.Result;
            string link = entry.Folder == "." ? "index.html" : entry.Folder + "/index.html";
            string? thumb = r.Maps.FirstOrDefault(m => !m.Method.StartsWith("guided", StringComparison.Ordinal))?.Overlay ?? r.Maps.FirstOrDefault()?.Overlay;
            html.Append("<a class=\"card\" href=\"").Append(E(link)).Append("\">");
            if (thumb is not null)
                html.Append("<img src=\"").Append(E(entry.Folder == "." ? thumb : entry.Folder + "/" + thumb)).Append("\" alt=\"").Append(E(r.Input)).Append("\">");
            html.Append("<div><b>").Append(E(r.Input)).Append("</b></div>");
            if (r.Predictions.Count > 0)
            {
                var top = r.Predictions[0];
                html.Append("<div>").Append(E(top.Label)).Append(" (").Append(top.Class).Append("), p = ")
                    .Append((top.Probability * 100).ToString("F1", CultureInfo.InvariantCulture)).Append(" %</div>");
            }
            html.Append("<div class=\"muted\">").Append(r.Maps.Count).Append(" maps</div></a>");
        }
        html.Append("</div></body></html>\n");
        string path = Path.Combine(directory, "index.html");
        File.WriteAllText(path, html.ToString());
        return path;
    }
}
