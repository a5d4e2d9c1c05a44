using Explain.Cam.Targets;
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
    public static TargetSelection From(Proto.Targets? targets, int? classes = null, int maxItems = 16)
    {
        if (targets is null)
            return TargetSelection.Predicted;
        if (targets.Items.Count == 0)
            return new TargetSelection(targets.Classes.ToList(), Math.Max(targets.TopK, 1), targets.Counterfactual);
        if (targets.Items.Count > maxItems)
            throw JobRejectedException.Invalid("too_many_targets", $"at most {maxItems} targets per job", "targets.items");
        var items = targets.Items.Select((item, i) => Item(item, $"targets.items[{i}]", classes)).ToList();
        var names = items.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (names is not null)
            throw JobRejectedException.Invalid("duplicate_target", $"target '{names.Key}' is named twice", "targets.items");
        return TargetSelection.Of(items);
    }

    private static CamTarget Item(Proto.Target item, string field, int? classes)
    {
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
            default:
                throw JobRejectedException.Invalid("bad_target", $"unknown target kind {(int)item.Kind}", field + ".kind");
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
        _ => "logit",
    };
}
