using Explain.Cam;
using Explain.V1;
using CamPrediction = Explain.Cam.Prediction;

namespace Explain.Cli.Commands;

/// <summary>Collects a job's events into the library's <see cref="Explanation"/>, so `explain submit` writes what `explain run` writes.</summary>
public sealed class RemoteExplanation
{
    private readonly List<CamMap> _maps = [];
    private IReadOnlyList<CamPrediction> _predictions = [];
    private IReadOnlyList<string> _layers = [];
    private IReadOnlyList<FaithfulnessScores>? _metrics;
    private Dictionary<string, double> _timings = [];

    public int HeatmapCount { get; private set; }

    public void Add(JobEvent e)
    {
        switch (e.KindCase)
        {
            case JobEvent.KindOneofCase.Predictions:
                _predictions = e.Predictions.Predictions_.Select(p => new CamPrediction(p.ClassIndex, p.Label, p.Score, p.Probability)).ToList();
                _layers = e.Predictions.Layers.ToList();
                break;
            case JobEvent.KindOneofCase.Heatmap:
                var h = e.Heatmap;
                HeatmapCount = h.Count;
                _maps.Add(new CamMap(h.Method, h.Target, h.ClassIndex >= 0 ? h.ClassIndex : null, h.Layer, h.Raw.ToArray(), h.RawShape.ToArray(), h.Map.ToArray(), h.Shape.ToArray()));
                break;
            case JobEvent.KindOneofCase.Metrics:
                _metrics = e.Metrics.Scores.Select(s => new FaithfulnessScores(s.Method, s.Target, s.AverageDropPercent, s.IncreaseInConfidencePercent, s.DeletionAuc, s.InsertionAuc)).ToList();
                break;
            case JobEvent.KindOneofCase.Completed:
                _timings = new Dictionary<string, double>(e.Completed.TimingsMs);
                break;
        }
    }

    public int MapsReceived => _maps.Count;

    public Explanation ToExplanation() => new(_predictions, _maps, _layers, _timings) { Metrics = _metrics };

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
