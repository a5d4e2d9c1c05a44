using Explain.Cam.Models;

namespace Explain.Cam.Targets;

/// <summary>
/// What a class or top-k selection means for a model that is not a classifier (model.json "task"):
/// a segmentation model explains each class over its predicted pixels, a detector its best
/// detections, and an embedding model needs a similarity target. Explicit target objects are never
/// replaced.
/// </summary>
public static class TaskTargets
{
    /// <summary>Rows a detector's default targets must overlap less than (a greedy NMS over the top rows).</summary>
    public const float DefaultNmsIou = 0.5f;

    /// <summary>
    /// The selection with the task's layout given to detection targets that do not carry one (the CLI's and the wire's),
    /// and the task's output named on segmentation and similarity targets that name none (they read it; their errors say so).
    /// </summary>
    public static TargetSelection ForTask(ModelTask task, TargetSelection selection)
    {
        if (selection.Items.Any(t => t is DetectionTarget { Layout: null }) && task.Kind != ModelTaskKind.Detection)
            throw new ArgumentException("a detection target needs a detector: model.json's task (kind detection) says how its rows hold boxes and scores");
        if (!selection.Items.Any(t => t is DetectionTarget { Layout: null } || (task.Output is not null && t is SegmentationTarget { OutputName: null } or SimilarityTarget { OutputName: null })))
            return selection;
        return selection with
        {
            Items = selection.Items.Select(t => t switch
            {
                DetectionTarget { Layout: null } d => d with { Layout = task, OutputName = d.OutputName ?? task.Output },
                SegmentationTarget { OutputName: null } s when task.Output is not null => s with { OutputName = task.Output },
                SimilarityTarget { OutputName: null } s when task.Output is not null => s with { OutputName = task.Output },
                _ => t,
            }).ToList(),
        };
    }

    /// <summary>The bound targets for <paramref name="selection"/> on a non-classifier task; null when the selection's own resolution applies.</summary>
    public static IReadOnlyList<CamTarget>? Defaults(ModelTask task, TargetSelection selection, ReadOnlySpan<float> values, IReadOnlyList<int> shape)
    {
        if (selection.Items.Count > 0 || task.Kind == ModelTaskKind.Classifier)
            return null;
        int k = Math.Max(1, selection.TopK);
        switch (task.Kind)
        {
            case ModelTaskKind.Segmentation:
            {
                if (shape.Count != 3)
                    throw new ArgumentException($"a segmentation model's output is [C, H, W] per sample, not [{string.Join(", ", shape)}]");
                var classes = selection.Classes.Count > 0 ? selection.Classes : LargestClasses(values, shape, task.BackgroundClass, k);
                var bound = new List<CamTarget>(classes.Count);
                foreach (int c in classes)
                    bound.Add(new SegmentationTarget(c, new SegmentationRegion.Predicted(), task.Output).Bind(values, shape));
                return bound;
            }
            case ModelTaskKind.Detection:
            {
                if (shape.Count != 2)
                    throw new ArgumentException($"a detector's output is [N, columns] per sample, not [{string.Join(", ", shape)}]");
                var rows = BestRows(values, shape[1], task, selection.Classes, k);
                if (rows.Count == 0)
                    throw new ArgumentException("the detector has no detection of the requested classes to explain; name reference boxes");
                var bound = new List<CamTarget>(rows.Count);
                foreach (var box in rows)
                    bound.Add(new DetectionTarget([box], task, OutputName: task.Output).Bind(values, shape));
                return bound;
            }
            default:
                throw new ArgumentException("an embedding model explains a similarity: give a similarity target (a reference embedding or a second image)");
        }
    }

    /// <summary>The k classes (background excluded) with the most pixels in the argmax map, most first; classes with no pixel are not chosen.</summary>
    private static List<int> LargestClasses(ReadOnlySpan<float> values, IReadOnlyList<int> shape, int background, int k)
    {
        int classes = shape[0], plane = shape[1] * shape[2];
        var counts = new int[classes];
        for (int q = 0; q < plane; q++)
        {
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (values[c * plane + q] > values[best * plane + q])
                    best = c;
            counts[best]++;
        }
        var chosen = Enumerable.Range(0, classes).Where(c => c != background && counts[c] > 0).OrderByDescending(c => counts[c]).ThenBy(c => c).Take(k).ToList();
        if (chosen.Count == 0)
            throw new ArgumentException("the model predicts only the background class; name a class to explain");
        return chosen;
    }

    /// <summary>The best-scored rows (each row's best non-background class), greedily skipping rows that overlap a chosen one; for <paramref name="classes"/>, each class's best row.</summary>
    private static List<ReferenceBox> BestRows(ReadOnlySpan<float> values, int columns, ModelTask task, IReadOnlyList<int> classes, int k)
    {
        int n = values.Length / columns, classCount = columns - task.ScoreColumn;
        if (task.BoxColumn + 4 > columns || classCount <= 1)
            throw new ArgumentException($"the detection output has {columns} columns; model.json's task puts the box at {task.BoxColumn} and the scores from {task.ScoreColumn}");
        var rows = new List<(ReferenceBox Box, float Score)>(n);
        for (int i = 0; i < n; i++)
        {
            var row = values.Slice(i * columns, columns);
            int best = -1;
            for (int c = 0; c < classCount; c++)
                if (c != task.BackgroundClass && (best < 0 || row[task.ScoreColumn + c] > row[task.ScoreColumn + best]))
                    best = c;
            var box = row.Slice(task.BoxColumn, 4);
            if (box[2] > box[0] && box[3] > box[1])
                rows.Add((new ReferenceBox(box[0], box[1], box[2], box[3], best), row[task.ScoreColumn + best]));
        }
        var ordered = rows.OrderByDescending(r => r.Score).ToList();
        if (classes.Count > 0)
            return classes.Select(c => ordered.FirstOrDefault(r => r.Box.Label == c).Box).Where(b => b is not null).ToList()!;
        var chosen = new List<ReferenceBox>();
        foreach (var (box, _) in ordered)
        {
            if (chosen.Count == k)
                break;
            if (chosen.All(c => DetectionTarget.Iou(c, [box.X1, box.Y1, box.X2, box.Y2]) <= DefaultNmsIou))
                chosen.Add(box);
        }
        return chosen;
    }
}
