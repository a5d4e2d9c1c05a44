using Explain.Cam.Targets;
using Explain.V1;
using CamTarget = Explain.Cam.Targets.CamTarget;

namespace Explain.Cli.Commands;

/// <summary>A `--target` object as the wire's <see cref="Target"/> (the inverse of the service's TargetsMapper).</summary>
internal static class ProtoTargets
{
    public static Target From(CamTarget target) => target switch
    {
        ClassTarget c => new Target { Kind = TargetKind.Logit, Classes = { c.Class }, Counterfactual = c.Counterfactual },
        SoftmaxTarget s => new Target { Kind = TargetKind.Softmax, Classes = { s.Class } },
        RestTarget r => new Target { Kind = TargetKind.Rest, Classes = { r.Class } },
        BinaryTarget b => new Target { Kind = TargetKind.Binary, Positive = b.Positive },
        ScoresSumTarget => new Target { Kind = TargetKind.Sum },
        MultiLabelTarget m => new Target { Kind = TargetKind.MultiLabel, Classes = { m.Classes } },
        _ => throw new ArgumentException($"target '{target.Name}' has no wire form"),
    };
}
