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
        OutputTarget o => new Target { Kind = TargetKind.Output, Output = o.OutputName, Index = { o.Index }, Counterfactual = o.Negate },
        SegmentationTarget g => Segmentation(g),
        DetectionTarget d => new Target
        {
            Kind = TargetKind.Detection, Output = d.OutputName ?? "", IouThreshold = d.IouThreshold,
            Boxes = { d.Boxes.Select(b => new Explain.V1.ReferenceBox { X1 = b.X1, Y1 = b.Y1, X2 = b.X2, Y2 = b.Y2, Label = b.Label }) },
        },
        SimilarityTarget s => new Target { Kind = TargetKind.Similarity, Output = s.OutputName ?? "", ReferenceEmbedding = { s.Reference } },
        ImageSimilarityTarget i => new Target { Kind = TargetKind.Similarity, Output = i.OutputName ?? "", ReferenceImage = Google.Protobuf.ByteString.CopyFrom(i.Image) },
        _ => throw new ArgumentException($"target '{target.Name}' has no wire form"),
    };

    private static Target Segmentation(SegmentationTarget g)
    {
        var target = new Target { Kind = TargetKind.Segmentation, Classes = { g.Class }, Output = g.OutputName ?? "" };
        switch (g.Region)
        {
            case SegmentationRegion.Box b:
                target.Box = new Box { X = b.X1, Y = b.Y1, Width = b.X2 - b.X1, Height = b.Y2 - b.Y1 };
                break;
            case SegmentationRegion.Mask m:
                target.MaskPng = Google.Protobuf.ByteString.CopyFrom(Imaging.Png.PngEncoder.Encode(m.Values.SelectMany(v => v != 0 ? new byte[] { 255, 255, 255 } : new byte[3]).ToArray(), m.Width, m.Height, 3));
                break;
        }
        return target;
    }
}
