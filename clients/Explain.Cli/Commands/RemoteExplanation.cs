using Explain.Cam;
using Explain.Cam.Evaluation;
using Explain.Cam.Targets;
using Explain.V1;
using CamPrediction = Explain.Cam.Prediction;

namespace Explain.Cli.Commands;

/// <summary>Collects a job's events into the library's <see cref="Explanation"/>, so `explain submit` writes what `explain run` writes.</summary>
public sealed class RemoteExplanation
{
    // Per map, metrics score and text: the image of a batch job it is of (image_index; 0 for a job of one image).
    private readonly List<(int Image, CamMap Map)> _maps = [];
    private List<IReadOnlyList<CamPrediction>> _predictions = [[]];
    private IReadOnlyList<string> _layers = [];
    private List<(int Image, FaithfulnessScores Scores)>? _metrics;
    private Dictionary<string, double> _timings = [];
    private List<(int Image, Cam.Evaluation.TextExplanation Text)>? _texts;

    public int HeatmapCount { get; private set; }

    public void Add(JobEvent e)
    {
        switch (e.KindCase)
        {
            case JobEvent.KindOneofCase.Predictions:
                _predictions = e.Predictions.Images.Count > 0
                    ? e.Predictions.Images.OrderBy(i => i.ImageIndex).Select(i => Predictions(i.Predictions)).ToList()
                    : [Predictions(e.Predictions.Predictions_)];
                _layers = e.Predictions.Layers.ToList();
                break;
            case JobEvent.KindOneofCase.Heatmap:
                var h = e.Heatmap;
                HeatmapCount = h.Count;
                _maps.Add((h.ImageIndex, new CamMap(h.Method, h.Target, h.ClassIndex >= 0 ? h.ClassIndex : null, h.Layer, h.Raw.ToArray(), h.RawShape.ToArray(), h.Map.ToArray(), h.Shape.ToArray())
                {
                    Localization = h.Shape.Count != 2 ? null : new MapLocalization(h.Box is { } b ? new PixelBox(b.X, b.Y, b.Width, b.Height) : null, h.BoxThreshold, h.PeakX, h.PeakY)
                    {
                        PointingHit = h.Pointing?.Hit, PointingTolerance = h.Pointing?.Tolerance ?? 0, IoU = h.Pointing?.Iou,
                    },
                    ConceptClasses = h.ConceptClasses.Count == 0 ? null : h.ConceptClasses.Select(p => new CamPrediction(p.ClassIndex, p.Label, p.Score, p.Probability)).ToList(),
                    Geometry = Geometry(h.TargetRegion),
                }));
                break;
            case JobEvent.KindOneofCase.Metrics:
                _metrics = e.Metrics.Scores.Select(s => (s.ImageIndex, new FaithfulnessScores(s.Method, s.Target, s.AverageDropPercent, s.IncreaseInConfidencePercent, s.DeletionAuc, s.InsertionAuc)
                {
                    ConfidenceChange = s.ConfidenceChange, DropInConfidence = s.DropInConfidence, IncreaseInConfidence = s.IncreaseInConfidence,
                    Road = s.Road is { } r ? new RoadScores(r.Percentiles.ToList(), r.MorfPerPercentile.ToList(), r.LerfPerPercentile.ToList(), r.Morf, r.Lerf, r.Combined) : null,
                    Arcc = s.Arcc is { } a ? new ArccScores(a.Complexity, a.Coherency, a.RoadCombined, a.Arcc) : null,
                    SanityCheck = s.SanityCheck is { } c ? new SanityCheckScores(c.RandomizedLayers, c.Spearman, c.Pearson) : null,
                })).ToList();
                break;
            case JobEvent.KindOneofCase.Completed:
                _timings = new Dictionary<string, double>(e.Completed.TimingsMs);
                _texts = e.Completed.Texts.Count == 0 ? null : e.Completed.Texts.Select(t => (t.ImageIndex, new Cam.Evaluation.TextExplanation(t.Target, t.ClassIndex >= 0 ? t.ClassIndex : null, t.Label, t.Layer,
                    t.Channels.Select(c => new Cam.Evaluation.ChannelShare(c.Channel, c.Weight, c.Share, c.Name.Length > 0 ? c.Name : null)).ToList(), t.Sentence) { Concepts = t.Concepts })).ToList();
                break;
        }
    }

    public int MapsReceived => _maps.Count;

    /// <summary>The HEATMAP's target_region back as the library's geometry, so the overlays `explain submit` draws match `explain run`'s.</summary>
    private static TargetGeometry? Geometry(TargetRegion? region)
    {
        if (region is null)
            return null;
        if (!region.MaskPng.IsEmpty)
        {
            var mask = SegmentationMasks.Decode(region.MaskPng.ToByteArray());
            return new TargetGeometry.Mask(mask.Height, mask.Width, Array.ConvertAll(mask.Values, v => (byte)(v != 0 ? 1 : 0)));
        }
        if (region.Boxes.Count > 0)
            return new TargetGeometry.Boxes(region.Boxes.Select(b => new DetectionMatch(new Cam.Targets.ReferenceBox(b.Reference.X1, b.Reference.Y1, b.Reference.X2, b.Reference.Y2, b.Label),
                b.Matched ? new MatchedDetection(b.Row, b.MatchedBox.X1, b.MatchedBox.Y1, b.MatchedBox.X2, b.MatchedBox.Y2, b.Score, b.Iou) : null)).ToList());
        return region.SimilarityReference switch
        {
            V1.SimilarityReference.Embedding => new TargetGeometry.Similarity(Cam.Targets.SimilarityReference.Embedding),
            V1.SimilarityReference.Image => new TargetGeometry.Similarity(Cam.Targets.SimilarityReference.Image),
            V1.SimilarityReference.RequestImage => new TargetGeometry.Similarity(Cam.Targets.SimilarityReference.RequestImage),
            _ => null,
        };
    }

    private static IReadOnlyList<CamPrediction> Predictions(IEnumerable<V1.Prediction> predictions) =>
        predictions.Select(p => new CamPrediction(p.ClassIndex, p.Label, p.Score, p.Probability)).ToList();

    /// <summary>The explanation of image <paramref name="image"/> of the job (0 for a job of one image); the timings are the job's.</summary>
    public Explanation ToExplanation(int image = 0) => new(image < _predictions.Count ? _predictions[image] : [], _maps.Where(m => m.Image == image).Select(m => m.Map).ToList(), _layers, _timings)
    {
        Metrics = _metrics?.Where(m => m.Image == image).Select(m => m.Scores).ToList(),
        Texts = _texts?.Where(t => t.Image == image).Select(t => t.Text).ToList() is { Count: > 0 } texts ? texts : null,
    };

    /// <summary>One progress line: the job's state and how many heatmaps have arrived.</summary>
    public static string Progress(string jobId, JobEvent e, RemoteExplanation so, TimeSpan elapsed)
    {
        string what = e.KindCase switch
        {
            JobEvent.KindOneofCase.Queued => "queued",
            JobEvent.KindOneofCase.Started => $"running on {e.Started.Worker}",
            JobEvent.KindOneofCase.Predictions => $"predicted {e.Predictions.Predictions_.FirstOrDefault()?.Label}",
            JobEvent.KindOneofCase.Heatmap => $"heatmap {so.MapsReceived}/{e.Heatmap.Count} ({e.Heatmap.Method} {e.Heatmap.Target})",
            JobEvent.KindOneofCase.Metrics => "metrics",
            JobEvent.KindOneofCase.Completed => "completed",
            JobEvent.KindOneofCase.Failed => $"FAILED: {(global::Grpc.Core.StatusCode)e.Failed.Status.Code}: {e.Failed.Status.Message}",
            JobEvent.KindOneofCase.Cancelled => $"cancelled: {e.Cancelled.Reason}",
            JobEvent.KindOneofCase.Progress => $"{e.Progress.Stage} {e.Progress.Done}/{e.Progress.Total}",
            _ => "?",
        };
        return $"job {jobId[..8]}… {what} [{elapsed.TotalSeconds:F1} s]";
    }
}
