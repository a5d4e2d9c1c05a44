using Explain.Cam.Models;
using Explain.Engine.Tensors;

namespace Explain.Cli.Commands;

/// <summary>Prints the k best classes of each row of a score tensor with softmax probabilities.</summary>
internal static class TopK
{
    public static void Print(TextWriter output, ModelCard card, Tensor scores, int k)
    {
        int classes = scores.Shape[^1];
        for (int row = 0; row < scores.Length / Math.Max(classes, 1); row++)
        {
            var s = scores.Floats.AsSpan(row * classes, classes).ToArray();
            float max = System.Numerics.Tensors.TensorPrimitives.Max(s);
            double sum = 0;
            foreach (float v in s) sum += Math.Exp(v - max);
            var best = Enumerable.Range(0, classes).OrderByDescending(i => s[i]).Take(k).ToList();
            output.WriteLine(scores.Shape[0] > 1 ? $"sample {row}:" : "top classes:");
            foreach (int c in best)
                output.WriteLine($"  {c,5}  {Math.Exp(s[c] - max) / sum,7:P2}  score {s[c],9:F4}  {card.Label(c)}");
        }
    }
}
