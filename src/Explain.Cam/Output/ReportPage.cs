using System.Globalization;
using System.Net;
using System.Text;
using Explain.Imaging.Png;
using Explain.Imaging.Preprocessing;
using Explain.Imaging.Rendering;

namespace Explain.Cam.Output;

/// <summary>
/// index.html, self-contained (heatmaps inline as data: URIs, no scripts or fonts from the network):
/// a colour legend, the crop the model saw, predictions with probabilities, a method × class
/// compare grid with an opacity slider and a raw/normalized switch, the overlay files at their
/// native resolution, guided maps, one line per method, and timings.
/// </summary>
internal static class ReportPage
{
    private const string Script = """
        <script>
        (() => {
          const heat = () => document.querySelectorAll('img.heat');
          const slider = document.getElementById('opacity');
          const apply = () => { heat().forEach(i => i.style.opacity = String(slider.value / 100)); document.getElementById('opacity-value').textContent = slider.value + ' %'; };
          slider.addEventListener('input', apply);
          document.querySelectorAll('input[name=scale]').forEach(r => r.addEventListener('change', () => {
            const raw = document.querySelector('input[name=scale]:checked').value === 'raw';
            heat().forEach(i => { i.src = raw ? i.dataset.raw : i.dataset.norm; i.classList.toggle('pixelated', raw); });
            document.getElementById('scale-note').textContent = raw ? document.body.dataset.rawNote : document.body.dataset.normNote;
          }));
          apply();
        })();
        </script>
        """;

    public static string Html(ResultDocument result, string? original, ReportContext context)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Explain: ")
            .Append(E(result.Input)).Append("</title><style>").Append(ReportStyle.Css).Append(Css).Append("</style></head><body data-norm-note=\"")
            .Append(E(NormNote)).Append("\" data-raw-note=\"").Append(E(RawNote)).Append("\">");
        html.Append("<h1>").Append(E(result.Model)).Append(" on ").Append(E(result.Input)).Append("</h1>");
        html.Append("<p class=\"muted\">Target layer <code>").Append(E(string.Join(", ", result.Layers))).Append("</code></p>");
        Legend(html, context);
        Predictions(html, result);
        Compare(html, result, original, context);
        Pairs(html, result);
        Texts(html, result);
        Files(html, result, original);
        Glossary(html, result);
        html.Append("<h2>Timings</h2><table>");
        foreach (var (stage, ms) in result.TimingsMs)
            html.Append("<tr><td>").Append(E(stage)).Append("</td><td>").Append(F(ms, "F1")).Append(" ms</td></tr>");
        html.Append("</table>").Append(Script).Append("</body></html>\n");
        return html.ToString();
    }

    private const string NormNote = "Normalized: each map min-max scaled to [0, 1] after ReLU, at the model's input resolution.";
    private const string RawNote = "Raw: the target layer's map before ReLU and normalization (one block per layer cell), min-max scaled for display: blue = its lowest value, red = its highest.";

    private const string Css =
        ".legend{display:flex;align-items:center;gap:8px;flex-wrap:wrap}.ramp{flex:1 1 240px;height:16px;border-radius:3px;border:1px solid #aaa}" +
        ".controls{display:flex;gap:16px;flex-wrap:wrap;align-items:center;margin:8px 0}" +
        ".grid{display:grid;gap:10px;overflow-x:auto}.cell figcaption{font-size:.85em}.stack{position:relative;line-height:0}" +
        ".stack img{display:block;width:100%}.stack img.heat{position:absolute;outline:1px dashed rgba(255,255,255,.8)}" +
        ".pixelated{image-rendering:pixelated}.files{display:flex;flex-wrap:wrap;gap:12px}.files figure{margin:0;max-width:100%}" +
        "figcaption{font-size:.85em}.head{font-weight:600;font-size:.9em;align-self:end}";

    private static void Legend(StringBuilder html, ReportContext context)
    {
        html.Append("<h2>How to read the maps</h2><div class=\"legend\" id=\"legend\"><span>0</span><div class=\"ramp\" style=\"background:linear-gradient(to right");
        for (int i = 0; i <= 16; i++)
        {
            var (r, g, b) = context.Colormap[Math.Min(255, i * 16)];
            html.Append(",rgb(").Append(r).Append(',').Append(g).Append(',').Append(b).Append(')');
        }
        html.Append(")\"></div><span>1</span></div><p>Colormap <b>").Append(E(context.Colormap.Name))
            .Append("</b>. <b>1</b> (red) marks where the evidence for the class is strongest <i>in this image</i>, <b>0</b> (blue) no evidence. ")
            .Append("Each map is scaled to its own maximum, so compare regions within a map, not brightness across maps.</p>");
        var f = context.Footprint;
        bool cropped = f.Left > 0.5 || f.Top > 0.5 || f.Right < context.ImageWidth - 0.5 || f.Bottom < context.ImageHeight - 0.5;
        html.Append("<p id=\"footprint\">");
        if (cropped)
            html.Append("The model saw only the centre of this ").Append(context.ImageWidth).Append('×').Append(context.ImageHeight)
                .Append(" image: its preprocessing resizes and crops to ").Append(context.InputWidth).Append('×').Append(context.InputHeight)
                .Append(". The heat covers that crop (dashed box in the compare view); outside it the model saw nothing, so there is no heat: in the overlay files that part is drawn darker, not a rendering fault.");
        else
            html.Append("The model saw the whole image (").Append(context.ImageWidth).Append('×').Append(context.ImageHeight).Append(", resized to ")
                .Append(context.InputWidth).Append('×').Append(context.InputHeight).Append(").");
        html.Append("</p>");
    }

    private static void Predictions(StringBuilder html, ResultDocument result)
    {
        html.Append("<h2>Predictions</h2><table id=\"predictions\"><tr><th>class</th><th>label</th><th>probability</th><th>score</th></tr>");
        foreach (var p in result.Predictions)
            html.Append("<tr><td>").Append(p.Class).Append("</td><td>").Append(E(p.Label)).Append("</td><td><span class=\"bar\" style=\"width:")
                .Append(F(Math.Max(1, p.Probability * 120), "F0")).Append("px\"></span> ").Append(F(p.Probability * 100, "F2")).Append(" %</td><td>")
                .Append(F(p.Score, "F3")).Append("</td></tr>");
        html.Append("</table>");
    }

    private static void Compare(StringBuilder html, ResultDocument result, string? original, ReportContext context)
    {
        var maps = context.Maps.Where(m => m.MapShape.Length == 2 && !m.OnReferenceImage).ToList();
        if (maps.Count == 0 || original is null)
            return;
        var methods = maps.Select(m => m.Method).Distinct().ToList();
        var targets = maps.Select(m => m.Target).Distinct().ToList();
        html.Append("<h2>Compare: method × class</h2><div class=\"controls\"><label>heat opacity <input type=\"range\" id=\"opacity\" min=\"0\" max=\"100\" value=\"50\"> <span id=\"opacity-value\">50 %</span></label>")
            .Append("<span><label><input type=\"radio\" name=\"scale\" value=\"norm\" checked> normalized</label> <label><input type=\"radio\" name=\"scale\" value=\"raw\"> raw</label></span></div>")
            .Append("<p class=\"muted\" id=\"scale-note\">").Append(E(NormNote)).Append("</p>");
        html.Append("<div class=\"grid\" id=\"compare\" style=\"grid-template-columns:minmax(90px,.5fr)").Append(string.Concat(targets.Select(_ => " minmax(140px,1fr)"))).Append("\"><div></div>");
        foreach (var t in targets)
        {
            var m = maps.First(x => x.Target == t);
            var prediction = result.Predictions.FirstOrDefault(p => p.Class == m.Class);
            string label = m.Class is int c ? $"{Label(result, m)} ({c})" : t;
            html.Append("<div class=\"head\">").Append(E(label)).Append(prediction is null ? "" : $", p = {F(prediction.Probability * 100, "F1")} %").Append("</div>");
        }
        var f = context.Footprint;
        string box = $"left:{F(100 * f.Left / context.ImageWidth, "F3")}%;top:{F(100 * f.Top / context.ImageHeight, "F3")}%;width:{F(100 * f.Width / context.ImageWidth, "F3")}%;height:{F(100 * f.Height / context.ImageHeight, "F3")}%";
        foreach (var method in methods)
        {
            html.Append("<div class=\"head\" title=\"").Append(E(MethodGlossary.For(method))).Append("\">").Append(E(method)).Append("</div>");
            foreach (var t in targets)
            {
                var map = maps.FirstOrDefault(x => x.Method == method && x.Target == t);
                if (map is null)
                {
                    html.Append("<div></div>");
                    continue;
                }
                string norm = DataUri(context.Colormap.Apply(map.Map, map.MapShape[0], map.MapShape[1]));
                string raw = DataUri(context.Colormap.Apply(MinMax(map.Raw), map.RawShape[0], map.RawShape[1]));
                html.Append("<figure class=\"cell\" style=\"margin:0\"><div class=\"stack\"><img src=\"").Append(E(original)).Append("\" alt=\"original\"><img class=\"heat\" style=\"")
                    .Append(box).Append("\" src=\"").Append(norm).Append("\" data-norm=\"").Append(norm).Append("\" data-raw=\"").Append(raw).Append("\" alt=\"")
                    .Append(E($"{method} {t}")).Append("\"></div></figure>");
            }
        }
        html.Append("</div>");
    }

    private static void Files(StringBuilder html, ResultDocument result, string? original)
    {
        html.Append("<h2>Overlays at the image's resolution</h2><p class=\"muted\">The files written beside this page (blend as pytorch-grad-cam's show_cam_on_image). Guided maps are pictures of the input gradient, contrast stretched (1st–99th percentile): edges that raise the class score.</p><div class=\"files\">");
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
            if (metric?.Road is { } road)
                html.Append("<br>ROAD MoRF ").Append(F(road.Morf, "F3")).Append(", LeRF ").Append(F(road.Lerf, "F3")).Append(", combined ").Append(F(road.Combined, "F3"))
                    .Append(metric.Arcc is { } arcc ? $", ARCC {F(arcc.Arcc, "F3")}" : "");
            if (m.Localization?.Box is { } b)
                html.Append("<br><span class=\"loc\">box x ").Append(b.X).Append(", y ").Append(b.Y).Append(", ").Append(b.Width).Append("×").Append(b.Height)
                    .Append(" (≥ ").Append(F(m.Localization.Threshold * 100, "F0")).Append(" % of max)")
                    .Append(m.Localization.PointingHit is bool hit ? $", pointing game {(hit ? "hit" : "miss")}, IoU {F(m.Localization.IoU ?? 0, "F2")}" : "").Append("</span>");
            if (TargetText(m) is { } target)
                html.Append("<br><span class=\"target\">").Append(E(target)).Append("</span>");
            html.Append("</figcaption></figure>");
        }
        html.Append("</div>");
    }

    /// <summary>What a map's target resolved to, as the overlay draws it.</summary>
    internal static string? TargetText(MapFiles m) => m.TargetRegion switch
    {
        { Kind: "mask" } r => $"target: class {m.Class} summed over {r.Pixels} pixels (outline in green; mask {r.Mask})",
        { Kind: "boxes", Boxes: { } boxes } => "target: " + string.Join("; ", boxes.Select(b => b.Detection is { } d
            ? $"reference box {b.Reference} (cyan) matched row {d.Row} [{F(d.X1, "F1")}, {F(d.Y1, "F1")}, {F(d.X2, "F1")}, {F(d.Y2, "F1")}] (magenta), score {F(d.Score, "F3")}, IoU {F(d.Iou, "F2")}"
            : $"reference box {b.Reference} (cyan) matched no detection: it adds nothing")),
        { Kind: "similarity", Reference: "image" } => "target: cosine similarity of this picture's embedding to the reference picture's",
        { Kind: "similarity", Reference: "request_image" } => "target (on the reference picture): cosine similarity of its embedding to this input's",
        { Kind: "similarity" } => "target: cosine similarity of the embedding to the given reference embedding",
        _ => null,
    };

    /// <summary>GAM's "why are these two similar": per method, the map on each picture side by side.</summary>
    private static void Pairs(StringBuilder html, ResultDocument result)
    {
        if (result.Pairs.Count == 0)
            return;
        html.Append("<h2>Why these two are similar</h2><p class=\"muted\">Each picture's map explains the cosine similarity of its embedding to the other's.</p><div class=\"files\" id=\"pairs\">");
        foreach (var p in result.Pairs)
            html.Append("<figure><img src=\"").Append(E(p.Image)).Append("\" alt=\"").Append(E(p.Method + " input")).Append("\"><figcaption><b>").Append(E(p.Method)).Append("</b> — this input</figcaption></figure>")
                .Append("<figure><img src=\"").Append(E(p.Reference)).Append("\" alt=\"").Append(E(p.Method + " reference")).Append("\"><figcaption><b>").Append(E(p.Method)).Append("</b> — the reference picture</figcaption></figure>");
        html.Append("</div>");
    }

    /// <summary>The Grad-CAM paper's §7 textual explanations: which channels make each class's map.</summary>
    private static void Texts(StringBuilder html, ResultDocument result)
    {
        if (result.Texts is not { Count: > 0 } texts)
            return;
        html.Append("<h2>In words</h2><ul id=\"texts\">");
        foreach (var t in texts)
            html.Append("<li>").Append(E(t.Sentence)).Append(" <span class=\"muted\">(share of the Grad-CAM map at ").Append(E(t.Layer)).Append(")</span></li>");
        html.Append("</ul>");
    }

    private static void Glossary(StringBuilder html, ResultDocument result)
    {
        html.Append("<h2>Methods</h2><ul id=\"methods\">");
        foreach (var method in result.Maps.Select(m => m.Method).Distinct())
            html.Append("<li><b>").Append(E(method)).Append("</b>: ").Append(E(MethodGlossary.For(method))).Append("</li>");
        html.Append("</ul>");
    }

    private static string Label(ResultDocument result, CamMap map) =>
        result.Maps.FirstOrDefault(m => m.Method == map.Method && m.Target == map.Target)?.Label ?? map.Target;

    private static float[] MinMax(float[] raw)
    {
        float min = raw.Min(), max = raw.Max();
        float scale = max > min ? 1f / (max - min) : 0f;
        return raw.Select(v => (v - min) * scale).ToArray();
    }

    private static string DataUri(Imaging.RgbImage image) => "data:image/png;base64," + Convert.ToBase64String(PngEncoder.Encode(image));

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>What the report page draws from besides result.json: the maps, the colormap and where the model's crop lies in the image.</summary>
internal sealed record ReportContext(IReadOnlyList<CamMap> Maps, Colormap Colormap, CropFootprint Footprint, int ImageWidth, int ImageHeight, int InputWidth, int InputHeight);
