using Explain.Engine.Errors;
using Explain.Engine.Onnx;

namespace Explain.Engine.Graph;

/// <summary>
/// Load-time checks of an imported graph: every operator supported (all unsupported ones reported at
/// once), every node input produced somewhere, no tensor produced twice, no cycle. Returns the nodes
/// in a topological order (Kahn's algorithm, stable with respect to file order).
/// </summary>
internal static class GraphValidator
{
    public static List<OnnxNode> Validate(IReadOnlyList<OnnxNode> nodes, IEnumerable<string> constants, IEnumerable<string> inputs, int opset)
    {
        var unsupported = Unsupported(nodes, opset);
        if (unsupported.Count > 0)
            throw new UnsupportedOperatorException(unsupported);
        return Order(nodes, constants, inputs);
    }

    /// <summary>The operators the engine lacks, one line per op type ("Resize (opset 17) at node 'x' and 1 more").</summary>
    public static List<string> Unsupported(IReadOnlyList<OnnxNode> nodes, int opset) => nodes
        .Where(n => !(n.Domain is "" or "ai.onnx") || !OnnxOps.IsSupported(n.OpType))
        .GroupBy(n => (n.Domain, n.OpType))
        .Select(g => $"{(g.Key.Domain is "" ? "" : g.Key.Domain + "::")}{g.Key.OpType} (opset {opset}) at node '{g.First().DisplayName}'" + (g.Count() > 1 ? $" and {g.Count() - 1} more" : ""))
        .ToList();

    /// <summary>The structural checks (every input produced, nothing produced twice, no cycle) and a topological order.</summary>
    public static List<OnnxNode> Order(IReadOnlyList<OnnxNode> nodes, IEnumerable<string> constants, IEnumerable<string> inputs)
    {

        var available = new HashSet<string>(constants, StringComparer.Ordinal);
        available.UnionWith(inputs);
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
            foreach (var o in nodes[i].Outputs.Where(o => o.Length > 0))
                if (!producer.TryAdd(o, i) || available.Contains(o))
                    throw new GraphException($"node '{nodes[i].DisplayName}': tensor '{o}' is produced more than once");

        var pending = new int[nodes.Count];
        var consumers = new List<int>[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            consumers[i] = [];
            foreach (var input in nodes[i].Inputs.Where(x => x.Length > 0))
            {
                if (producer.TryGetValue(input, out int p))
                    pending[i]++;
                else if (!available.Contains(input))
                    throw new GraphException($"node '{nodes[i].DisplayName}' ({nodes[i].OpType}): input '{input}' is not produced by any node, initializer or graph input");
            }
        }
        for (int i = 0; i < nodes.Count; i++)
            foreach (var input in nodes[i].Inputs.Where(x => x.Length > 0))
                if (producer.TryGetValue(input, out int p))
                    consumers[p].Add(i);

        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < nodes.Count; i++)
            if (pending[i] == 0)
                ready.Enqueue(i, i);
        var order = new List<OnnxNode>(nodes.Count);
        while (ready.TryDequeue(out int n, out _))
        {
            order.Add(nodes[n]);
            foreach (int c in consumers[n])
                if (--pending[c] == 0)
                    ready.Enqueue(c, c);
        }
        if (order.Count != nodes.Count)
        {
            var stuck = Enumerable.Range(0, nodes.Count).Where(i => pending[i] > 0).Take(5).Select(i => $"'{nodes[i].DisplayName}'");
            throw new GraphException($"the graph has a cycle through nodes {string.Join(", ", stuck)}");
        }
        return order;
    }
}
