using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Graph;

internal static partial class GraphOptimizer
{
    /// <summary>
    /// Conv → BatchNormalization (inference) becomes one Conv with W' = W·s and b' = (b − μ)·s + β,
    /// s = γ / √(σ² + ε), when nothing else reads the convolution's output and it is not protected.
    /// </summary>
    private static void FoldBatchNorm(ExecutionPlan plan)
    {
        var removed = new HashSet<PlanNode>();
        foreach (var conv in plan.Nodes.Where(n => n.Op is ConvOp { Activation.Kind: FusedActivationKind.None }))
        {
            if (SoleConsumer(plan, conv, removed) is not { } bn || bn.Source.OpType != "BatchNormalization" || bn.Outputs.Length != 1)
                continue;
            var p = bn.Inputs.Skip(1).Select(i => i >= 0 ? plan.Constants[i] : null).ToArray();
            var w = plan.Constants[conv.Inputs[1]];
            if (p.Length != 4 || p.Any(t => t is null) || w is null || (conv.Inputs.Length > 2 && plan.Constants[conv.Inputs[2]] is null))
                continue;
            string key = plan.Names[conv.Inputs[1]] + "|" + (conv.Inputs.Length > 2 ? plan.Names[conv.Inputs[2]] : "") + "|" + bn.Name;
            if (!plan.Derived.TryGetValue("w:" + key, out var folded) || !plan.Derived.TryGetValue("b:" + key, out var foldedBias))
            {
                folded = Fold(w, conv.Inputs.Length > 2 ? plan.Constants[conv.Inputs[2]] : null, p, bn.Source.Attributes.Float("epsilon", 1e-5f), out foldedBias);
                folded = plan.Derived.GetOrAdd("w:" + key, folded);
                foldedBias = plan.Derived.GetOrAdd("b:" + key, foldedBias);
            }
            int wId = plan.AddConstant(plan.Names[conv.Inputs[1]] + "/bn_folded", folded);
            int bId = plan.AddConstant(plan.Names[bn.Outputs[0]] + "/bn_folded_bias", foldedBias);
            conv.Inputs = [conv.Inputs[0], wId, bId];
            conv.Outputs = [bn.Outputs[0]];
            removed.Add(bn);
        }
        plan.Nodes = plan.Nodes.Where(n => !removed.Contains(n)).ToList();
    }

    private static Tensor Fold(Tensor w, Tensor? convBias, Tensor?[] p, float eps, out Tensor bias)
    {
        int channels = w.Shape[0];
        int perChannel = w.Length / channels;
        var folded = Tensor.Create(w.Shape);
        var b = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double s = p[0]!.Floats[c] / Math.Sqrt(p[3]!.Floats[c] + (double)eps);
            for (int k = 0; k < perChannel; k++)
                folded.Floats[c * perChannel + k] = (float)(w.Floats[c * perChannel + k] * s);
            b[c] = (float)(((convBias?.Floats[c] ?? 0f) - p[2]!.Floats[c]) * s + p[1]!.Floats[c]);
        }
        bias = Tensor.FromArray(b, channels);
        return folded;
    }

    /// <summary>A Relu or Clip that alone reads a Conv/Gemm output runs in that op's epilogue.</summary>
    private static void FuseActivations(ExecutionPlan plan)
    {
        var removed = new HashSet<PlanNode>();
        foreach (var node in plan.Nodes.Where(n => n.Op is ConvOp or GemmOp))
        {
            if (SoleConsumer(plan, node, removed) is not { } act || act.Outputs.Length != 1)
                continue;
            FusedActivation? activation = act.Source.OpType switch
            {
                "Relu" => FusedActivation.Relu,
                "Clip" => ClipBounds(plan, act),
                _ => null,
            };
            if (activation is not { } a)
                continue;
            if (node.Op is ConvOp conv) conv.Activation = a;
            else ((GemmOp)node.Op).Activation = a;
            node.Outputs = [act.Outputs[0]];
            removed.Add(act);
        }
        plan.Nodes = plan.Nodes.Where(n => !removed.Contains(n)).ToList();
    }

    private static FusedActivation? ClipBounds(ExecutionPlan plan, PlanNode clip)
    {
        float min = clip.Source.Attributes.Float("min", float.NegativeInfinity);
        float max = clip.Source.Attributes.Float("max", float.PositiveInfinity);
        for (int i = 1; i < clip.Inputs.Length; i++)
        {
            if (clip.Inputs[i] < 0) continue;
            if (plan.Constants[clip.Inputs[i]] is not { } bound) return null;
            if (i == 1) min = bound.ToFloatArray()[0]; else max = bound.ToFloatArray()[0];
        }
        return FusedActivation.Clip(min, max);
    }

    /// <summary>The only node reading <paramref name="producer"/>'s single output, if that output may be rewritten.</summary>
    private static PlanNode? SoleConsumer(ExecutionPlan plan, PlanNode producer, HashSet<PlanNode> removed)
    {
        if (producer.Outputs.Length != 1 || plan.IsProtected(producer.Outputs[0]))
            return null;
        int id = producer.Outputs[0];
        var readers = plan.Nodes.Where(n => !removed.Contains(n) && n.Inputs.Contains(id)).Take(2).ToList();
        return readers.Count == 1 && readers[0].Inputs[0] == id && readers[0].Inputs.Skip(1).All(i => i != id) ? readers[0] : null;
    }
}
