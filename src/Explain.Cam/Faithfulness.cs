using Explain.Cam.Perturbation;
using Explain.Engine.Tensors;

namespace Explain.Cam;

/// <summary>
/// Faithfulness of heatmaps. Average Drop % = max(0, Y − O)/Y · 100 and Increase in Confidence
/// (100 if O &gt; Y) from the Grad-CAM++ paper (§5.1), with Y the class's softmax probability on the
/// input and O on the explanation image map ∘ input. Deletion / insertion AUC (RISE, Petsiuk et
/// al., 2018): pixels ranked by the map are removed from the input (set to 0, the normalized
/// mean) or inserted into a zero image in 16 equal steps; the AUC is the trapezoid mean of the
/// class probability over the 17 points. Lower deletion and higher insertion AUC are better.
/// </summary>
internal static class Faithfulness
{
    private const int Steps = 16;

    public static IReadOnlyList<FaithfulnessScores> Score(ModelProbe probe, Tensor input, Explanation explanation)
    {
        int[] shape = input.Shape;
        int channels = shape[1], plane = shape[2] * shape[3];
        var x = input.Floats;
        var original = Softmax(probe.Scores(1, shape, (_, row) => x.CopyTo(row)));
        var results = new List<FaithfulnessScores>();
        foreach (var map in explanation.Maps.Where(m => m.MapShape.Length == 2 && m.Class is not null && m.Map.Length == plane))
        {
            int c = map.Class!.Value;
            var masked = Softmax(probe.Scores(1, shape, (_, row) =>
            {
                for (int k = 0; k < channels; k++)
                    System.Numerics.Tensors.TensorPrimitives.Multiply(x.AsSpan(k * plane, plane), map.Map, row.Slice(k * plane, plane));
            }));
            float y = original[c], o = masked[c];
            var order = Enumerable.Range(0, plane).OrderByDescending(p => map.Map[p]).ToArray();
            float deletion = Curve(probe, x, shape, order, c, delete: true);
            float insertion = Curve(probe, x, shape, order, c, delete: false);
            results.Add(new FaithfulnessScores(map.Method, map.Target, MathF.Max(0, y - o) / y * 100, o > y ? 100 : 0, deletion, insertion));
        }
        return results;
    }

    private static float Curve(ModelProbe probe, float[] x, int[] shape, int[] order, int cls, bool delete)
    {
        int channels = shape[1], plane = shape[2] * shape[3];
        var scores = probe.Scores(Steps + 1, shape, (step, row) =>
        {
            int changed = (int)((long)plane * step / Steps);
            if (delete) x.CopyTo(row); else row.Clear();
            for (int i = 0; i < changed; i++)
                for (int k = 0; k < channels; k++)
                    row[k * plane + order[i]] = delete ? 0f : x[k * plane + order[i]];
        });
        int classes = scores.Length / (Steps + 1);
        double area = 0;
        float previous = 0;
        for (int s = 0; s <= Steps; s++)
        {
            float p = Softmax(scores.AsSpan(s * classes, classes).ToArray())[cls];
            if (s > 0) area += (previous + p) / 2;
            previous = p;
        }
        return (float)(area / Steps);
    }

    private static float[] Softmax(float[] scores)
    {
        var p = new float[scores.Length];
        System.Numerics.Tensors.TensorPrimitives.SoftMax(scores, p);
        return p;
    }
}
