namespace Explain.Engine.Graph;

/// <summary>The nodes downstream of a resume tensor (in order) and the earlier runtime tensors they also read.</summary>
internal sealed record ResumePoint(int[] Nodes, int[] Crossing);
