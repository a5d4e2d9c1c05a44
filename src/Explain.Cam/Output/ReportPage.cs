using System.Globalization;
using System.Net;
using System.Text;

namespace Explain.Cam.Output;

/// <summary>index.html: the original and every method × target overlay side by side, with labels and scores.</summary>
internal static class ReportPage
{
    public static string Html(ResultDocument result, string? original)
    {
        var html = new StringBuilder();
        string E(string s) => WebUtility.HtmlEncode(s);
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Explain: ").Append(E(result.Input)).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}table{border-collapse:collapse}")
            .Append("td,th{padding:4px 10px;text-align:left}.grid{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0;width:260px}")
            .Append("figure img{width:256px;border:1px solid #ccc;image-rendering:auto}figcaption{font-size:13px}</style></head><body>");
        html.Append("<h1>").Append(E(result.Model)).Append(" on ").Append(E(result.Input)).Append("</h1>");
        html.Append("<p>Target layer: <code>").Append(E(string.Join(", ", result.Layers))).Append("</code></p>");
        html.Append("<h2>Predictions</h2><table><tr><th>class</th><th>label</th><th>probability</th><th>score</th></tr>");
        foreach (var p in result.Predictions)
            html.Append("<tr><td>").Append(p.Class).Append("</td><td>").Append(E(p.Label)).Append("</td><td>").Append(F(p.Probability * 100, "F2")).Append(" %</td><td>").Append(F(p.Score, "F3")).Append("</td></tr>");
        html.Append("</table><h2>Explanations</h2><div class=\"grid\">");
        if (original is not null)
            html.Append("<figure><img src=\"").Append(E(original)).Append("\" alt=\"original\"><figcaption><b>original</b></figcaption></figure>");
        foreach (var m in result.Maps)
        {
            var metric = result.Metrics?.FirstOrDefault(x => x.Method == m.Method && x.Target == m.Target);
            html.Append("<figure><img src=\"").Append(E(m.Overlay)).Append("\" alt=\"").Append(E(m.Method + " " + m.Target)).Append("\"><figcaption><b>")
                .Append(E(m.Method)).Append("</b> — ").Append(E(m.Label ?? m.Target)).Append(m.Class is int c ? $" ({c})" : "");
            var prediction = result.Predictions.FirstOrDefault(p => p.Class == m.Class);
            if (prediction is not null)
                html.Append(", p = ").Append(F(prediction.Probability * 100, "F1")).Append(" %");
            if (metric is not null)
                html.Append("<br>avg drop ").Append(F(metric.AverageDropPercent, "F1")).Append(" %, deletion AUC ").Append(F(metric.DeletionAuc, "F3"))
                    .Append(", insertion AUC ").Append(F(metric.InsertionAuc, "F3"));
            html.Append("</figcaption></figure>");
        }
        html.Append("</div><h2>Timings (ms)</h2><table>");
        foreach (var (stage, ms) in result.TimingsMs)
            html.Append("<tr><td>").Append(E(stage)).Append("</td><td>").Append(F(ms, "F1")).Append("</td></tr>");
        html.Append("</table></body></html>\n");
        return html.ToString();
    }
}
