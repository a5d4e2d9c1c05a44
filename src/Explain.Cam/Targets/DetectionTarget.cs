using Explain.Cam.Models;

namespace Explain.Cam.Targets;

/// <summary>A reference box to explain: corners in input pixels and the class label it should carry.</summary>
public sealed record ReferenceBox(float X1, float Y1, float X2, float Y2, int Label)
{
    public override string ToString() => FormattableString.Invariant($"{Label}@{X1:0.#},{Y1:0.#},{X2:0.#},{Y2:0.#}");
}

/// <summary>
/// A detection target on a detector's raw pre-NMS rows (pytorch-grad-cam's FasterRCNNBoxScoreTarget,
/// model_targets.py): for each reference box r with label l, the row i of highest IoU(r, box_i); when
/// that IoU exceeds <paramref name="IouThreshold"/> and the row's best non-background class is l, the
/// target adds IoU(r, box_i) + score_i[l]. The rows are matched again on every output the target reads
/// (as upstream re-matches on each call), and the gradient flows through the box corners (the IoU) and
/// the score. No match: the target is 0 (upstream's zero tensor), so its map is empty.
/// </summary>
/// <remarks>
/// The output is [N, columns] per sample, laid out as model.json's task says: box corners
/// (x1, y1, x2, y2) at <see cref="ModelTask.BoxColumn"/>, class scores from <see cref="ModelTask.ScoreColumn"/>
/// to the row's end. IoU's derivative in the box corners, with w = min(r.x2, b.x2) − max(r.x1, b.x1)
/// (h likewise, both clamped at 0), I = w·h, U = |r| + |b| − I: ∂IoU = (∂I·U − I·∂U) / U², ∂U = ∂|b| − ∂I.
/// </remarks>
public sealed record DetectionTarget(IReadOnlyList<ReferenceBox> Boxes, ModelTask? Layout = null, float IouThreshold = 0.5f, string? OutputName = null) : CamTarget
{
    /// <summary>The most reference boxes one target names.</summary>
    public const int MaxBoxes = 16;

    private ModelTask L => Layout ?? throw new ArgumentException("a detection target needs the detector's row layout: model.json's task (kind detection)");

    private int _columns;

    public override string Name => "det-" + string.Join('+', Boxes);

    public override int? ClassIndex => Boxes.Count == 1 ? Boxes[0].Label : null;

    public override string? Output => OutputName;

    public override CamTarget Bind(ReadOnlySpan<float> values, IReadOnlyList<int> shape)
    {
        if (Boxes.Count is 0 or > MaxBoxes)
            throw new ArgumentException($"a detection target names 1 to {MaxBoxes} reference boxes, not {Boxes.Count}");
        if (shape.Count != 2)
            throw new ArgumentException($"a detection target needs an output [N, columns] per sample, not [{string.Join(", ", shape)}]");
        int columns = shape[1];
        if (L.BoxColumn + 4 > columns || L.ScoreColumn >= columns)
            throw new ArgumentException($"the detection output has {columns} columns; model.json's task puts the box at {L.BoxColumn}..{L.BoxColumn + 3} and the scores from {L.ScoreColumn}");
        int classes = columns - L.ScoreColumn;
        foreach (var box in Boxes)
        {
            if (box.Label < 0 || box.Label >= classes || box.Label == L.BackgroundClass)
                throw new ArgumentException($"box label {box.Label} is not one of the detector's {classes} classes other than the background ({L.BackgroundClass})");
            if (!(box.X2 > box.X1 && box.Y2 > box.Y1) || !float.IsFinite(box.X1 + box.Y1 + box.X2 + box.Y2))
                throw new ArgumentException($"reference box {box} is not a box with x2 > x1 and y2 > y1");
        }
        if (!(IouThreshold >= 0 && IouThreshold < 1))
            throw new ArgumentException($"the IoU threshold is in [0, 1), not {IouThreshold}");
        var bound = this with { _columns = columns };
        var matched = bound.Match(values);
        var matches = new DetectionMatch[Boxes.Count];
        for (int b = 0; b < Boxes.Count; b++)
        {
            MatchedDetection? detection = null;
            if (matched[b] is int i and >= 0)
            {
                var box = values.Slice(i * columns + L.BoxColumn, 4);
                detection = new MatchedDetection(i, box[0], box[1], box[2], box[3], values[i * columns + L.ScoreColumn + Boxes[b].Label], (float)Iou(Boxes[b], box));
            }
            matches[b] = new DetectionMatch(Boxes[b], detection);
        }
        return bound with { Geometry = new TargetGeometry.Boxes(matches) };
    }

    /// <summary>For each reference box, the matched row (or −1) in <paramref name="rows"/>.</summary>
    public int[] Match(ReadOnlySpan<float> rows)
    {
        int columns = Columns(rows.Length), n = rows.Length / columns;
        var matched = new int[Boxes.Count];
        for (int b = 0; b < Boxes.Count; b++)
        {
            var r = Boxes[b];
            int best = -1;
            double bestIou = double.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                double iou = Iou(r, rows.Slice(i * columns + L.BoxColumn, 4));
                if (iou > bestIou)
                    (best, bestIou) = (i, iou);
            }
            matched[b] = best >= 0 && bestIou > IouThreshold && BestClass(rows.Slice(best * columns, columns)) == r.Label ? best : -1;
        }
        return matched;
    }

    public override void WriteSeed(ReadOnlySpan<float> scores, Span<float> seed)
    {
        int columns = Columns(scores.Length);
        var matched = Match(scores);
        Span<double> d = stackalloc double[4];
        for (int b = 0; b < Boxes.Count; b++)
        {
            int i = matched[b];
            if (i < 0)
                continue;
            IouGradient(Boxes[b], scores.Slice(i * columns + L.BoxColumn, 4), d);
            for (int k = 0; k < 4; k++)
                seed[i * columns + L.BoxColumn + k] += (float)d[k];
            seed[i * columns + L.ScoreColumn + Boxes[b].Label] += 1f;
        }
    }

    public override float Score(ReadOnlySpan<float> scores)
    {
        int columns = Columns(scores.Length);
        var matched = Match(scores);
        double sum = 0;
        for (int b = 0; b < Boxes.Count; b++)
            if (matched[b] is int i and >= 0)
                sum += Iou(Boxes[b], scores.Slice(i * columns + L.BoxColumn, 4)) + scores[i * columns + L.ScoreColumn + Boxes[b].Label];
        return (float)sum;
    }

    private int BestClass(ReadOnlySpan<float> row)
    {
        int best = -1;
        for (int c = 0; c < row.Length - L.ScoreColumn; c++)
            if (c != L.BackgroundClass && (best < 0 || row[L.ScoreColumn + c] > row[L.ScoreColumn + best]))
                best = c;
        return best;
    }

    private int Columns(int length) =>
        _columns > 0 && length % _columns == 0 ? _columns
            : throw new InvalidOperationException("a detection target is bound to its output's shape before it seeds (TargetSelection.Resolve)");

    internal static double Iou(ReferenceBox r, ReadOnlySpan<float> b)
    {
        double w = Math.Max(0, Math.Min(r.X2, b[2]) - Math.Max(r.X1, b[0]));
        double h = Math.Max(0, Math.Min(r.Y2, b[3]) - Math.Max(r.Y1, b[1]));
        double inter = w * h;
        double union = (r.X2 - r.X1) * (double)(r.Y2 - r.Y1) + (b[2] - b[0]) * (double)(b[3] - b[1]) - inter;
        return union > 0 ? inter / union : 0;
    }

    /// <summary>∂IoU(r, b)/∂(b.x1, b.y1, b.x2, b.y2) (see the remarks; zero where the boxes do not overlap).</summary>
    internal static void IouGradient(ReferenceBox r, ReadOnlySpan<float> b, Span<double> d)
    {
        d.Clear();
        double left = Math.Max(r.X1, b[0]), right = Math.Min(r.X2, b[2]), top = Math.Max(r.Y1, b[1]), bottom = Math.Min(r.Y2, b[3]);
        double w = right - left, h = bottom - top;
        double bw = b[2] - b[0], bh = b[3] - b[1];
        double inter = Math.Max(0, w) * Math.Max(0, h);
        double union = (r.X2 - r.X1) * (double)(r.Y2 - r.Y1) + bw * bh - inter;
        if (union <= 0)
            return;
        // ∂w/∂b.x1 = −1 when b.x1 is the left edge of the intersection, ∂w/∂b.x2 = 1 when b.x2 is its right edge.
        Span<double> dInter = stackalloc double[4];
        if (w > 0 && h > 0)
        {
            dInter[0] = b[0] > r.X1 ? -h : 0;
            dInter[2] = b[2] < r.X2 ? h : 0;
            dInter[1] = b[1] > r.Y1 ? -w : 0;
            dInter[3] = b[3] < r.Y2 ? w : 0;
        }
        Span<double> dArea = [-bh, -bw, bh, bw];
        for (int k = 0; k < 4; k++)
            d[k] = (dInter[k] * union - inter * (dArea[k] - dInter[k])) / (union * union);
    }

    public bool Equals(DetectionTarget? other) => other is not null && Boxes.SequenceEqual(other.Boxes) && Layout == other.Layout && IouThreshold == other.IouThreshold && OutputName == other.OutputName;

    public override int GetHashCode() => HashCode.Combine(Boxes.Count, Layout, IouThreshold, OutputName);
}
