using Explain.Cam.Output;
using Explain.Cam;
using Explain.Cam.Inputs;
using Explain.Imaging;
using Explain.Imaging.Png;
using Explain.Imaging.Preprocessing;
using Explain.Imaging.Rendering;
using Explain.V1;
using Google.Protobuf;
using ApiOptions = Explain.V1.ExplainOptions;
using Colormap = Explain.Imaging.Rendering.Colormap;

namespace Explain.Jobs.Worker;

/// <summary>An explanation as the public API's events: PREDICTIONS, one HEATMAP per map, METRICS, COMPLETED.</summary>
public static class JobEventFactory
{
    public static JobEvent PredictionsEvent(string jobId, Explanation explanation) => PredictionsEvent(jobId, [explanation]);

    /// <summary>PREDICTIONS of a job: image 0's predictions and layers, and for a batch every image's (<c>images</c>).</summary>
    public static JobEvent PredictionsEvent(string jobId, IReadOnlyList<Explanation> explanations)
    {
        var predictions = new Predictions();
        predictions.Predictions_.AddRange(Proto(explanations[0].Predictions));
        predictions.Layers.AddRange(explanations[0].Layers);
        if (explanations.Count > 1)
            for (int i = 0; i < explanations.Count; i++)
                predictions.Images.Add(new ImagePredictions { ImageIndex = i, Predictions = { Proto(explanations[i].Predictions) } });
        return new JobEvent { JobId = jobId, Predictions = predictions };
    }

    private static IEnumerable<V1.Prediction> Proto(IEnumerable<Cam.Prediction> predictions) =>
        predictions.Select(p => new V1.Prediction { ClassIndex = p.Class, Label = p.Label, Score = p.Score, Probability = p.Probability });

    public static ExplainInput ForOverlays(ExplainInput input, int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        if (input.Original is not { } image || Math.Max(image.Width, image.Height) <= maxSide)
            return input;
        double scale = (double)maxSide / Math.Max(image.Width, image.Height);
        int width = Math.Max(1, (int)Math.Round(image.Width * scale)), height = Math.Max(1, (int)Math.Round(image.Height * scale));
        double sx = (double)width / image.Width, sy = (double)height / image.Height;
        var f = input.Footprint;
        return input with
        {
            Original = ImagePreprocessor.Resize(image, width, height, ResampleFilter.Bilinear),
            Footprint = new CropFootprint(f.Left * sx, f.Top * sy, f.Right * sx, f.Bottom * sy),
        };
    }

    public static JobEvent HeatmapEvent(string jobId, ExplainInput input, CamMap map, int index, int count, ApiOptions options, Func<int, string> label, int imageIndex = 0)
    {
        var heatmap = new Heatmap { Method = map.Method, Target = map.Target, ClassIndex = map.Class ?? -1, Label = map.Label(label) ?? "", Layer = map.Layer, Index = index, Count = count, ImageIndex = imageIndex };
        heatmap.ConceptClasses.AddRange((map.ConceptClasses ?? []).Select(p => new V1.Prediction { ClassIndex = p.Class, Label = p.Label, Score = p.Score, Probability = p.Probability }));
        var resolution = options.Resolution == MapResolution.Unspecified ? MapResolution.Both : options.Resolution;
        if (resolution is MapResolution.Input or MapResolution.Both)
        {
            heatmap.Shape.AddRange(map.MapShape);
            heatmap.Map.AddRange(map.Map);
        }
        if (resolution is MapResolution.Layer or MapResolution.Both)
        {
            heatmap.RawShape.AddRange(map.RawShape);
            heatmap.Raw.AddRange(map.Raw);
        }
        if (map.Localization is { } place)
        {
            heatmap.BoxThreshold = place.Threshold;
            (heatmap.PeakX, heatmap.PeakY) = (place.PeakX, place.PeakY);
            if (place.Box is { } b)
                heatmap.Box = new Box { X = b.X, Y = b.Y, Width = b.Width, Height = b.Height };
            if (place.PointingHit is bool hit)
                heatmap.Pointing = new PointingGame { Hit = hit, Tolerance = place.PointingTolerance, Iou = place.IoU ?? 0 };
        }
        heatmap.TargetRegion = TargetRegion(map.Geometry);
        if (!options.OmitOverlay)
            heatmap.OverlayPng = ByteString.CopyFrom(PngEncoder.Encode(ExplanationWriter.Render(input, map, options.Colormap == V1.Colormap.Turbo ? Colormap.Turbo : Colormap.Jet)));
        return new JobEvent { JobId = jobId, Heatmap = heatmap };
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Cam.Targets.TargetGeometry.Mask, ByteString> EncodedMasks = [];

    private static TargetRegion? TargetRegion(Cam.Targets.TargetGeometry? geometry)
    {
        switch (geometry)
        {
            case Cam.Targets.TargetGeometry.Mask mask:
                // Every map of one target carries the same geometry object: its PNG is encoded once, not once per method and layer.
                return new TargetRegion { MaskPng = EncodedMasks.GetValue(mask, m => ByteString.CopyFrom(ExplanationWriter.MaskPng(m))), MaskPixels = mask.Count };
            case Cam.Targets.TargetGeometry.Boxes boxes:
                var region = new TargetRegion();
                region.Boxes.AddRange(boxes.Matches.Select(m => new BoxMatch
                {
                    Reference = new CornerBox { X1 = m.Reference.X1, Y1 = m.Reference.Y1, X2 = m.Reference.X2, Y2 = m.Reference.Y2 },
                    Label = m.Reference.Label,
                    Matched = m.Detection is not null,
                    Row = m.Detection?.Row ?? -1,
                    MatchedBox = m.Detection is { } d ? new CornerBox { X1 = d.X1, Y1 = d.Y1, X2 = d.X2, Y2 = d.Y2 } : null,
                    Score = m.Detection?.Score ?? 0,
                    Iou = m.Detection?.Iou ?? 0,
                }));
                return region;
            case Cam.Targets.TargetGeometry.Similarity similarity:
                return new TargetRegion
                {
                    SimilarityReference = similarity.Reference switch
                    {
                        Cam.Targets.SimilarityReference.Image => SimilarityReference.Image,
                        Cam.Targets.SimilarityReference.RequestImage => SimilarityReference.RequestImage,
                        _ => SimilarityReference.Embedding,
                    },
                    OnReferenceImage = similarity.OnReferenceImage,
                };
            default:
                return null;
        }
    }

    public static JobEvent MetricsEvent(string jobId, IReadOnlyList<FaithfulnessScores> scores) => MetricsEvent(jobId, scores.Select(s => (0, s)));

    /// <summary>METRICS of a job: every scored map, with the image of the batch it is of.</summary>
    public static JobEvent MetricsEvent(string jobId, IEnumerable<(int Image, FaithfulnessScores Scores)> scores)
    {
        var metrics = new Metrics();
        foreach (var (image, s) in scores)
            metrics.Scores.Add(new FaithfulnessScore
            {
                ImageIndex = image,
                Method = s.Method, Target = s.Target, AverageDropPercent = s.AverageDropPercent,
                IncreaseInConfidencePercent = s.IncreaseInConfidencePercent, DeletionAuc = s.DeletionAuc, InsertionAuc = s.InsertionAuc,
                ConfidenceChange = s.ConfidenceChange ?? 0, DropInConfidence = s.DropInConfidence ?? 0, IncreaseInConfidence = s.IncreaseInConfidence ?? 0,
                Road = s.Road is { } r ? Road(r) : null,
                Arcc = s.Arcc is { } a ? new ArccScore { Complexity = a.Complexity, Coherency = a.Coherency, RoadCombined = a.RoadCombined, Arcc = a.Arcc } : null,
                SanityCheck = s.SanityCheck is { } c ? new SanityCheckScore { RandomizedLayers = c.RandomizedLayers, Spearman = c.Spearman, Pearson = c.Pearson } : null,
            });
        return new JobEvent { JobId = jobId, Metrics = metrics };
    }

    private static RoadScore Road(Cam.Evaluation.RoadScores r)
    {
        var road = new RoadScore { Morf = r.Morf, Lerf = r.Lerf, Combined = r.Combined };
        road.Percentiles.AddRange(r.Percentiles);
        road.MorfPerPercentile.AddRange(r.MorfPerPercentile);
        road.LerfPerPercentile.AddRange(r.LerfPerPercentile);
        return road;
    }

    public static JobEvent CompletedEvent(string jobId, IReadOnlyDictionary<string, double> timings, int heatmaps, IReadOnlyList<Cam.Evaluation.TextExplanation>? texts = null) =>
        CompletedEvent(jobId, timings, heatmaps, (texts ?? []).Select(t => (0, t)));

    /// <summary>COMPLETED of a job: its timings, heatmap count and every image's text explanations.</summary>
    public static JobEvent CompletedEvent(string jobId, IReadOnlyDictionary<string, double> timings, int heatmaps, IEnumerable<(int Image, Cam.Evaluation.TextExplanation Text)> texts)
    {
        var completed = new Completed { Heatmaps = heatmaps };
        foreach (var (image, t) in texts)
        {
            var text = new V1.TextExplanation { ImageIndex = image, Target = t.Target, ClassIndex = t.Class ?? -1, Label = t.Label, Layer = t.Layer, Sentence = t.Sentence, Concepts = t.Concepts };
            text.Channels.AddRange(t.Channels.Select(c => new V1.ChannelShare { Channel = c.Channel, Weight = c.Weight, Share = c.Share, Name = c.Name ?? "" }));
            completed.Texts.Add(text);
        }
        foreach (var (stage, ms) in timings)
            completed.TimingsMs[stage] = ms;
        return new JobEvent { JobId = jobId, Completed = completed };
    }
}
