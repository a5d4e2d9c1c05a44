using Explain.Cam.Evaluation;
using Explain.Cam.Perturbation;
using Explain.Engine.Tensors;

namespace Explain.Cam;

/// <summary>
/// Faithfulness of heatmaps, per map of a class target, in both conventions of the field:
/// <list type="bullet">
/// <item>Grad-CAM++ paper (§5.1): Average Drop % = max(0, Y − O)/Y · 100 and Increase in Confidence
/// (100 if O &gt; Y), with Y the class's softmax probability on the input and O on the explanation
/// image map ∘ input;</item>
/// <item>pytorch-grad-cam (cam_mult_image.py): the absolute change of the class's logit (its default
/// ClassifierOutputTarget) on the same image, DropInConfidence = max(0, −change),
/// IncreaseInConfidence = 1 if change &gt; 0;</item>
/// <item>deletion / insertion AUC (RISE, Petsiuk et al., 2018): pixels ranked by the map are removed
/// from the input (set to 0, the normalized mean) or inserted into a zero image in 16 equal steps;
/// the AUC is the trapezoid mean of the class probability over the 17 points;</item>
/// <item>ROAD MoRF / LeRF / combined with the noisy linear imputer (<see cref="RoadScores"/>) and
/// ARCC (<see cref="ArccScores"/>), as pytorch-grad-cam's metrics compute them.</item>
/// </list>
/// Lower deletion AUC and ROAD MoRF, higher insertion AUC, ROAD LeRF, combined and ARCC are better.
/// </summary>
internal static class Faithfulness
{
    private const int Steps = 16;

    public static IReadOnlyList<FaithfulnessScores> Score(ModelProbe probe, Tensor input, Explanation explanation) =>
        Score(probe, input, explanation, new EvaluationOptions { Arcc = false }, 0, null);

    /// <param name="reexplain">The same method and target on another input (ARCC's coherency); null leaves ARCC out.</param>
    public static IReadOnlyList<FaithfulnessScores> Score(ModelProbe probe, Tensor input, Explanation explanation, EvaluationOptions options, ulong seed, Func<Tensor, CamMap, float[]>? reexplain)
    {
        int[] shape = input.Shape;
        int channels = shape[1], plane = shape[2] * shape[3];
        if (plane > EvaluationOptions.MaxRoadPixels)
            throw new ArgumentException($"metrics: the input has {plane} pixels; ROAD's imputation takes at most {EvaluationOptions.MaxRoadPixels}");
        var x = input.Floats;
        var logits = probe.Scores(1, shape, (_, row) => x.CopyTo(row));
        var original = Softmax(logits);
        bool arcc = options.Arcc && reexplain is not null;
        var percentiles = options.RoadPercentiles.Concat(arcc ? options.ArccRoadPercentiles : []).Distinct().ToList();
        var results = new List<FaithfulnessScores>();
        var maps = explanation.Maps.Where(m => m.MapShape.Length == 2 && m.Class is not null && m.Map.Length == plane).ToList();
        for (int index = 0; index < maps.Count; index++)
        {
            var map = maps[index];
            int c = map.Class!.Value;
            var maskedLogits = probe.Scores(1, shape, (_, row) =>
            {
                for (int k = 0; k < channels; k++)
                    System.Numerics.Tensors.TensorPrimitives.Multiply(x.AsSpan(k * plane, plane), map.Map, row.Slice(k * plane, plane));
            });
            var masked = Softmax(maskedLogits);
            float y = original[c], o = masked[c], change = maskedLogits[c] - logits[c];
            var order = Enumerable.Range(0, plane).OrderByDescending(p => map.Map[p]).ToArray();
            float deletion = Curve(probe, x, shape, order, c, delete: true);
            float insertion = Curve(probe, x, shape, order, c, delete: false);
            var road = RoadChanges(probe, input, map.Map, c, logits[c], percentiles, options.RoadNoise, seed, index);
            results.Add(new FaithfulnessScores(map.Method, map.Target, MathF.Max(0, y - o) / y * 100, o > y ? 100 : 0, deletion, insertion)
            {
                ConfidenceChange = change,
                DropInConfidence = MathF.Max(0, -change),
                IncreaseInConfidence = change > 0 ? 1 : 0,
                Road = Road.Average(options.RoadPercentiles, (p, morf) => road[(p, morf)]),
                Arcc = arcc ? Arcc(input, map, reexplain!, Road.Average(options.ArccRoadPercentiles, (p, morf) => road[(p, morf)]).Combined) : null,
            });
        }
        return results;
    }

    /// <summary>The logit change after imputing each percentile's removed pixels, MoRF and LeRF, in one batch.</summary>
    internal static Dictionary<(double, bool), float> RoadChanges(ModelProbe probe, Tensor input, float[] map, int cls, float before, List<double> percentiles, float noise, ulong seed, int mapIndex)
    {
        int[] shape = input.Shape;
        var keys = percentiles.SelectMany(p => new[] { (p, true), (p, false) }).ToList();
        var scores = probe.Scores(keys.Count, shape, (i, row) =>
        {
            var (p, morf) = keys[i];
            var keep = Road.Keep(map, p, morf);
            var random = new Random(Mix(seed, mapIndex, i));
            NoisyLinearImputer.Impute(input.Floats, keep, shape[2], shape[3], noise, random).CopyTo(row);
        });
        int classes = scores.Length / keys.Count;
        return keys.Select((k, i) => (k, scores[i * classes + cls] - before)).ToDictionary(e => e.k, e => e.Item2);
    }

    private static ArccScores Arcc(Tensor input, CamMap map, Func<Tensor, CamMap, float[]> reexplain, float roadCombined)
    {
        int plane = map.Map.Length, channels = input.Shape[1];
        var mixed = Tensor.Create(input.Shape);
        for (int k = 0; k < channels; k++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(input.Floats.AsSpan(k * plane, plane), map.Map, mixed.Floats.AsSpan(k * plane, plane));
        var again = reexplain(mixed, map);
        double complexity = map.Map.Sum(v => Math.Abs((double)v)) / plane;
        double coherency = (Pearson(again, map.Map) + 1) / 2;
        double road = Math.Clamp(roadCombined * 2.0, 0, 1);
        double arcc = 3 / (1 / (coherency + 1e-8) + 1 / (1 - complexity + 1e-8) + 1 / (road + 1e-8));
        return new ArccScores((float)complexity, (float)coherency, roadCombined, (float)arcc);
    }

    /// <summary>arcc.py batch_pearson_coherency: n − 1 normalization and ε = 1e-8 on the product of the deviations.</summary>
    private static double Pearson(float[] a, float[] b)
    {
        double ma = a.Average(v => (double)v), mb = b.Average(v => (double)v), cov = 0, va = 0, vb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double da = a[i] - ma, db = b[i] - mb;
            cov += da * db; va += da * da; vb += db * db;
        }
        int n1 = a.Length - 1;
        return cov / n1 / (Math.Sqrt(va / n1) * Math.Sqrt(vb / n1) + 1e-8);
    }

    /// <summary>A seed per (explanation seed, map, row): the same request draws the same noise.</summary>
    private static int Mix(ulong seed, int map, int row)
    {
        ulong z = unchecked(seed + 0x9E3779B97F4A7C15UL * (ulong)(map * 4096 + row + 1));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
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
