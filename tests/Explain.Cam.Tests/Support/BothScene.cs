using Explain.Cam.Inputs;
using Explain.Backends;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Imaging.Preprocessing;

namespace Explain.Cam.Tests.Support;

/// <summary>
/// Issue 3's real-model check: ../shared/models/mobilenet_v2 on ../shared/data/images/both.png, a
/// bull mastiff (class 243) above a tabby cat (class 281). Model and input are loaded once.
/// </summary>
public static class BothScene
{
    public const int BullMastiff = 243;
    public const int Tabby = 281;

    private static readonly Lazy<ModelCard> LazyCard = new(() => new ModelStore(RepoPaths.ModelStore).Resolve("mobilenet_v2"));

    public static string ImagePath => RepoPaths.Require(Path.Combine(RepoPaths.Images, "both.png"));

    public static ModelCard Card => LazyCard.Value;

    public static ExplainInput Input() =>
        ExplainInput.FromImage("both.png", File.ReadAllBytes(ImagePath), PreprocessSpec.FromModelJson(Card.Json!.Value));

    public static Explainer CreateExplainer(BackendKind backend = BackendKind.OnnxRuntime) =>
        new(ExecutionBackends.Open(new BackendOptions { Kind = backend, Threads = 2 }, Card), Card);

    /// <summary>The share of a non-negative H×W map's mass in rows [from, to).</summary>
    public static double MassFraction(float[] map, int height, int width, int fromRow, int toRow)
    {
        double part = 0, total = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double v = map[y * width + x];
                total += v;
                if (y >= fromRow && y < toRow) part += v;
            }
        return total > 0 ? part / total : double.NaN;
    }
}
