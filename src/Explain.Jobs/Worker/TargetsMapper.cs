using Explain.Cam.Models;
using Explain.Cam.Targets;
using Explain.Engine.Errors;
using Proto = Explain.V1;

namespace Explain.Jobs.Worker;

/// <summary>
/// Proto <see cref="Proto.Targets"/> to the Cam library's <see cref="TargetSelection"/>, in one
/// place for ingestion (which refuses a malformed target before queueing, naming
/// targets.items[i]) and the worker (which runs it).
/// </summary>
public static class TargetsMapper
{
    /// <summary>The selection; a malformed item is a <see cref="JobRejectedException"/> (INVALID_ARGUMENT) naming its field.</summary>
    /// <param name="targets">The request's targets (null: the predicted class).</param>
    /// <param name="classes">The model's class count when known (labels), else null: class ranges are then checked against the scores by the worker.</param>
    /// <param name="maxItems">At most this many items.</param>
    /// <param name="model">What ingestion knows of the model (its task, its tensors' shapes at batch 1), to check outputs, indices, masks and embeddings before queueing; null in the worker, where the explainer checks them.</param>
    /// <param name="field">The request field the targets came from ("targets", or "image_targets[i]" for one image of a batch), prefixing every field an error names.</param>
    public static TargetSelection From(Proto.Targets? targets, int? classes = null, int maxItems = 16, ModelOutputs? model = null, string field = "targets")
    {
        if (targets is null)
            return TargetSelection.Predicted;
        if (targets.Items.Count == 0)
            return new TargetSelection(targets.Classes.ToList(), Math.Max(targets.TopK, 1), targets.Counterfactual);
        if (targets.Items.Count > maxItems)
            throw JobRejectedException.Invalid("too_many_targets", $"at most {maxItems} targets per job", field + ".items");
        var items = targets.Items.Select((item, i) => Item(item, $"{field}.items[{i}]", classes, model)).ToList();
        if (model is not null)
        {
            var outputs = targets.Items.Select(t => string.IsNullOrEmpty(t.Output) ? model.DefaultOutput : t.Output).Distinct(StringComparer.Ordinal).ToList();
            if (outputs.Count > 1)
                throw JobRejectedException.Invalid("mixed_outputs", "the targets of one job read one output", field + ".items");
        }
        var names = items.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (names is not null)
            throw JobRejectedException.Invalid("duplicate_target", $"target '{names.Key}' is named twice", field + ".items");
        return TargetSelection.Of(items);
    }

    private static CamTarget Item(Proto.Target item, string field, int? classes, ModelOutputs? model)
    {
        int[]? SampleShape()
        {
            if (model is null)
                return null;
            string output = string.IsNullOrEmpty(item.Output) ? model.DefaultOutput : item.Output;
            if (!model.Shapes.ContainsKey(output))
                throw JobRejectedException.Invalid("unknown_output", $"the model has no output '{LogText.Of(output)}' (its outputs: {string.Join(", ", model.Outputs.Select(LogText.Of))})", field + ".output");
            return model.SampleShape(output);
        }
        string? Output() => string.IsNullOrEmpty(item.Output) ? null : item.Output;
        void NotFor(string what, bool given, string name)
        {
            if (given)
                throw JobRejectedException.Invalid("bad_target", $"a {Kind(item.Kind)} target takes no {what}", field + "." + name);
        }
        if (item.Kind is not (Proto.TargetKind.Output or Proto.TargetKind.Segmentation or Proto.TargetKind.Detection or Proto.TargetKind.Similarity))
        {
            NotFor("output", item.Output.Length > 0, "output");
            NotFor("index", item.Index.Count > 0, "index");
        }
        if (item.Kind != Proto.TargetKind.Segmentation)
            NotFor("region", item.RegionCase != Proto.Target.RegionOneofCase.None, item.RegionCase == Proto.Target.RegionOneofCase.Box ? "box" : "mask_png");
        if (item.Kind != Proto.TargetKind.Detection)
            NotFor("boxes", item.Boxes.Count > 0, "boxes");
        if (item.Kind != Proto.TargetKind.Similarity)
            NotFor("reference", item.ReferenceEmbedding.Count > 0 || !item.ReferenceImage.IsEmpty, item.ReferenceEmbedding.Count > 0 ? "reference_embedding" : "reference_image");
        int Class()
        {
            if (item.Classes.Count != 1)
                throw JobRejectedException.Invalid("bad_target", $"a {Kind(item.Kind)} target names exactly one class, not {item.Classes.Count}", field + ".classes");
            return CheckClass(item.Classes[0], field + ".classes[0]", classes);
        }
        void NoClasses()
        {
            if (item.Classes.Count != 0)
                throw JobRejectedException.Invalid("bad_target", $"a {Kind(item.Kind)} target names no class", field + ".classes");
        }
        switch (item.Kind)
        {
            case Proto.TargetKind.Unspecified or Proto.TargetKind.Logit:
                return new ClassTarget(Class(), item.Counterfactual);
            case Proto.TargetKind.Softmax:
                return new SoftmaxTarget(Class());
            case Proto.TargetKind.Rest:
                return new RestTarget(Class());
            case Proto.TargetKind.Binary:
                NoClasses();
                if (classes is int n && n != 1)
                    throw JobRejectedException.Invalid("bad_target", $"a binary target needs a model with one score output; this one has {n} classes", field + ".kind");
                return new BinaryTarget(item.Positive);
            case Proto.TargetKind.Sum:
                NoClasses();
                return new ScoresSumTarget();
            case Proto.TargetKind.MultiLabel:
                if (item.Classes.Count is 0 or > 16)
                    throw JobRejectedException.Invalid("bad_target", $"a multi-label target names 1 to 16 classes, not {item.Classes.Count}", field + ".classes");
                for (int i = 0; i < item.Classes.Count; i++)
                {
                    CheckClass(item.Classes[i], $"{field}.classes[{i}]", classes);
                    if (item.Classes.Take(i).Contains(item.Classes[i]))
                        throw JobRejectedException.Invalid("bad_target", $"class {item.Classes[i]} is named twice", $"{field}.classes[{i}]");
                }
                return new MultiLabelTarget(item.Classes.ToList());
            case Proto.TargetKind.Output:
                NoClasses();
                if (item.Output.Length == 0)
                    throw JobRejectedException.Invalid("bad_target", "an output target names its output", field + ".output");
                if (item.Index.Count == 0)
                    throw JobRejectedException.Invalid("bad_target", "an output target gives an index", field + ".index");
                return Checked(new OutputTarget(item.Output, item.Index.ToList(), item.Counterfactual), SampleShape(), field, "index");
            case Proto.TargetKind.Segmentation:
            {
                int c = Class();
                SegmentationRegion region = item.RegionCase switch
                {
                    Proto.Target.RegionOneofCase.Box => Box(item.Box, field + ".box"),
                    Proto.Target.RegionOneofCase.MaskPng => Mask(item.MaskPng.ToByteArray(), field + ".mask_png"),
                    _ => new SegmentationRegion.Predicted(),
                };
                var shape = SampleShape();
                if (shape is { Length: 3 } && c >= shape[0])
                    throw JobRejectedException.Invalid("bad_class", $"the output has {shape[0]} classes", field + ".classes[0]");
                string regionField = item.RegionCase == Proto.Target.RegionOneofCase.MaskPng ? "mask_png" : item.RegionCase == Proto.Target.RegionOneofCase.Box ? "box" : "output";
                return Checked(new SegmentationTarget(c, region, Output() ?? model?.Task.Output), shape, field, regionField);
            }
            case Proto.TargetKind.Detection:
            {
                NoClasses();
                if (item.Boxes.Count is 0 or > DetectionTarget.MaxBoxes)
                    throw JobRejectedException.Invalid("bad_target", $"a detection target names 1 to {DetectionTarget.MaxBoxes} boxes, not {item.Boxes.Count}", field + ".boxes");
                if (!(item.IouThreshold >= 0 && item.IouThreshold < 1))
                    throw JobRejectedException.Invalid("bad_target", "iou_threshold is in [0, 1)", field + ".iou_threshold");
                for (int b = 0; b < item.Boxes.Count; b++)
                {
                    var box = item.Boxes[b];
                    if (!(box.X2 > box.X1 && box.Y2 > box.Y1) || !float.IsFinite(box.X1 + box.X2 + box.Y1 + box.Y2))
                        throw JobRejectedException.Invalid("bad_box", "a reference box has x2 > x1 and y2 > y1", $"{field}.boxes[{b}]");
                    if (box.Label < 0)
                        throw JobRejectedException.Invalid("bad_class", "box labels are >= 0", $"{field}.boxes[{b}].label");
                }
                var target = new DetectionTarget(item.Boxes.Select(b => new ReferenceBox(b.X1, b.Y1, b.X2, b.Y2, b.Label)).ToList(),
                    IouThreshold: item.IouThreshold == 0 ? 0.5f : item.IouThreshold, OutputName: Output());
                if (model is null)
                    return target;
                if (model.Task.Kind != ModelTaskKind.Detection)
                    throw JobRejectedException.Invalid("bad_target", "a detection target needs a detector (model.json task kind detection)", field + ".kind");
                return Checked(target with { Layout = model.Task, OutputName = target.OutputName ?? model.Task.Output }, SampleShape(), field, "boxes");
            }
            case Proto.TargetKind.Similarity:
            {
                NoClasses();
                bool vector = item.ReferenceEmbedding.Count > 0, image = !item.ReferenceImage.IsEmpty;
                if (vector == image)
                    throw JobRejectedException.Invalid("bad_target", "a similarity target gives exactly one of reference_embedding and reference_image", field + ".reference_embedding");
                if (item.ReferenceEmbedding.Count > MaxEmbedding)
                    throw JobRejectedException.Invalid("bad_target", $"reference_embedding has at most {MaxEmbedding} values", field + ".reference_embedding");
                if (image)
                {
                    SampleShape();
                    return new ImageSimilarityTarget(item.ReferenceImage.ToByteArray(), Output());
                }
                return Checked(new SimilarityTarget(item.ReferenceEmbedding.ToArray(), "reference", Output() ?? model?.Task.Output), SampleShape(), field, "reference_embedding");
            }
            default:
                throw JobRejectedException.Invalid("bad_target", $"unknown target kind {(int)item.Kind}", field + ".kind");
        }
    }

    /// <summary>Most values of a reference embedding.</summary>
    public const int MaxEmbedding = 65536;

    /// <summary>
    /// The target checked against a sample of zeros of its output's shape when the shape is known (the
    /// checks that need the prediction itself, such as a predicted mask, wait for the worker).
    /// </summary>
    private static CamTarget Checked(CamTarget target, int[]? shape, string field, string failing)
    {
        if (shape is null)
            return target;
        long size = shape.Aggregate(1L, (a, d) => a * d);
        if (size > 1 << 26)
            return target;
        try
        {
            target.Bind(new float[size], shape);
        }
        catch (ArgumentException e)
        {
            throw JobRejectedException.Invalid("bad_target", e.Message, field + "." + failing);
        }
        return target;
    }

    private static SegmentationRegion.Box Box(Proto.Box box, string field) =>
        box.Width > 0 && box.Height > 0 && box.X >= 0 && box.Y >= 0
            ? new SegmentationRegion.Box(box.X, box.Y, box.X + box.Width, box.Y + box.Height)
            : throw JobRejectedException.Invalid("bad_box", "a box has x, y >= 0 and width, height > 0", field);

    private static SegmentationRegion.Mask Mask(byte[] png, string field)
    {
        try
        {
            return SegmentationMasks.Decode(png);
        }
        catch (ArgumentException e)
        {
            throw JobRejectedException.Invalid("bad_mask", e.Message, field);
        }
    }

    private static int CheckClass(int c, string field, int? classes)
    {
        if (c < 0)
            throw JobRejectedException.Invalid("bad_class", "class indices are >= 0", field);
        if (classes is int n && n > 0 && c >= n)
            throw JobRejectedException.Invalid("bad_class", $"the model has {n} classes", field);
        return c;
    }

    private static string Kind(Proto.TargetKind kind) => kind switch
    {
        Proto.TargetKind.Softmax => "softmax",
        Proto.TargetKind.Rest => "rest",
        Proto.TargetKind.MultiLabel => "multi-label",
        Proto.TargetKind.Binary => "binary",
        Proto.TargetKind.Sum => "sum",
        Proto.TargetKind.Output => "output",
        Proto.TargetKind.Segmentation => "segmentation",
        Proto.TargetKind.Detection => "detection",
        Proto.TargetKind.Similarity => "similarity",
        _ => "logit",
    };
}

/// <summary>What target checks need of a model before its job is queued: its task, its default explained output and the outputs' sample shapes.</summary>
public sealed record ModelOutputs(ModelTask Task, string DefaultOutput, IReadOnlyDictionary<string, int[]> Shapes)
{
    public IEnumerable<string> Outputs => Shapes.Keys;

    /// <summary>The output's shape without the batch axis; null when the model has no such output or its shape is not static.</summary>
    public int[]? SampleShape(string output) =>
        Shapes.TryGetValue(output, out var shape) && shape.Length > 0 && shape.All(d => d > 0) ? (shape.Length > 1 ? shape[1..] : shape) : null;
}
