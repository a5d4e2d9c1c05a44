using Explain.Engine.Tensors;

namespace Explain.Engine.Graph;

/// <summary>
/// A graph specialised to fixed input shapes: tensor ids, constants (initializers and folded
/// shape arithmetic), the shape of every tensor, and the nodes left to run.
/// </summary>
internal sealed class ExecutionPlan
{
    public required string[] Names { get; set; }

    public required Dictionary<string, int> Ids { get; init; }

    /// <summary>Values known at plan time, by tensor id; null for tensors computed at run time.</summary>
    public required Tensor?[] Constants { get; set; }

    public required int[]?[] Shapes { get; set; }

    public required List<PlanNode> Nodes { get; set; }

    public required int[] InputIds { get; init; }

    public required int[] OutputIds { get; init; }

    public required HashSet<int> Observed { get; init; }

    /// <summary>Tensors whose gradients a backward pass returns.</summary>
    public required HashSet<int> GradientTargets { get; init; }

    /// <summary>The model's cache of derived constants (see <see cref="Onnx.OnnxModel"/>).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, Tensor> Derived { get; init; } = new();

    /// <summary>Resume points: for each tensor, the nodes that depend on it and the other runtime tensors they read.</summary>
    public Dictionary<int, ResumePoint> Resume { get; } = [];

    /// <summary>Per tensor id, the index of the last node reading it (-1 when none).</summary>
    public int[] LastUse { get; set; } = [];

    /// <summary>Tensors an optimization must not rewrite: observed, gradient targets, graph inputs and outputs.</summary>
    public bool IsProtected(int id) => Resume.ContainsKey(id) || Observed.Contains(id) || GradientTargets.Contains(id) || OutputIds.Contains(id) || InputIds.Contains(id);

    public int[] Consumers(int id) =>
        Enumerable.Range(0, Nodes.Count).Where(n => Nodes[n].Inputs.Contains(id)).ToArray();

    /// <summary>Adds a constant made by an optimization (folded weights) and returns its id.</summary>
    public int AddConstant(string name, Tensor value)
    {
        int id = Names.Length;
        Names = [.. Names, name];
        Constants = [.. Constants, value];
        Shapes = [.. Shapes, value.Shape];
        Ids[name] = id;
        return id;
    }

    /// <summary>Finds the suffix of the graph downstream of a tensor and what else it reads.</summary>
    public ResumePoint ResumePointOf(int id)
    {
        var tainted = new HashSet<int> { id };
        var nodes = new List<int>();
        for (int n = 0; n < Nodes.Count; n++)
        {
            if (!Nodes[n].Inputs.Any(tainted.Contains)) continue;
            nodes.Add(n);
            tainted.UnionWith(Nodes[n].Outputs.Where(o => o >= 0));
        }
        var crossing = nodes.SelectMany(n => Nodes[n].Inputs).Where(i => i >= 0 && !tainted.Contains(i) && Constants[i] is null).ToHashSet();
        return new ResumePoint(nodes.ToArray(), crossing.ToArray());
    }

    public void ComputeLastUse()
    {
        LastUse = Enumerable.Repeat(-1, Names.Length).ToArray();
        for (int n = 0; n < Nodes.Count; n++)
            foreach (int id in Nodes[n].Inputs)
                if (id >= 0)
                    LastUse[id] = n;
    }
}
