using Explain.Jobs.Admission;
using Explain.Jobs.Ingestion;
using Explain.Jobs.Models;
using Explain.Jobs.Tests.Support;
using Explain.V1;

namespace Explain.Jobs.Tests.Admission;

/// <summary>The cost formula (Admission/JobCost.cs) on the shared models, and the default limits against it.</summary>
public sealed class JobCostTests
{
    private static readonly ModelCatalog Catalog = new(new JobsOptions { ModelStore = RepoPaths.ModelStore });

    private readonly AdmissionControl _admission = new(JobLimits.Default, new ActiveJobs());

    [Fact]
    public void Estimate_ScoreCam_OneForwardPerChannelPlusTheSharedOne()
    {
        var entry = Catalog.Get(RepoPaths.SmallModel);
        var model = new ModelCost(entry.Graph, entry.Layers);
        int channels = model.Channels(entry.DefaultLayer!);
        Assert.Equal(256, channels); // MobileNetV1 0.25: 1024 × 0.25

        double gflop = _admission.Estimate(Requests.Image("both.png", RepoPaths.SmallModel, "scorecam"), entry);

        Assert.Equal((1 + channels) * model.ForwardFlops / 1e9, gflop, 9);
    }

    /// <summary>A similarity to a second picture explains that picture too (issue 14 part 5): two embeddings and one more one-target explanation.</summary>
    [Fact]
    public void Estimate_SimilarityToAnImage_AddsTheReferencePicturesExplanation()
    {
        var entry = Catalog.Get(RepoPaths.SmallModel);
        var model = new ModelCost(entry.Graph, entry.Layers);
        double f = model.ForwardFlops, s = model.SuffixFlops(entry.DefaultLayer!);
        var embedding = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam");
        embedding.Targets = new Targets { Items = { new Target { Kind = TargetKind.Similarity, ReferenceEmbedding = { 1f } } } };
        var image = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam");
        image.Targets = new Targets { Items = { new Target { Kind = TargetKind.Similarity, ReferenceImage = Requests.Image("horses.jpg").Image } } };

        Assert.Equal(f + s, _admission.Estimate(embedding, entry) * 1e9, 0);
        Assert.Equal(f + s + 2 * f + (f + s), _admission.Estimate(image, entry) * 1e9, 0);
    }

    /// <summary>A batch (issue 14 part 3) costs its images explained one at a time, each with its own targets.</summary>
    [Fact]
    public void Estimate_Batch_IsTheSumOfItsImagesWithTheirOwnTargets()
    {
        var entry = Catalog.Get(RepoPaths.SmallModel);
        var model = new ModelCost(entry.Graph, entry.Layers);
        double f = model.ForwardFlops, s = model.SuffixFlops(entry.DefaultLayer!);
        var batch = new ExplainRequest { Model = RepoPaths.SmallModel, Methods = { "gradcam" } };
        batch.Images.Add(Requests.Image("both.png").Image);
        batch.Images.Add(Requests.Image("horses.jpg").Image);
        batch.ImageTargets.Add(new Targets { Classes = { 1 } });
        batch.ImageTargets.Add(new Targets { Classes = { 1, 2, 3 } });

        Assert.Equal((f + s) + (f + 3 * s), _admission.Estimate(batch, entry) * 1e9, 0);
        batch.ImageTargets.Clear();
        batch.Targets = new Targets { TopK = 2 };
        Assert.Equal(2 * (f + 2 * s), _admission.Estimate(batch, entry) * 1e9, 0);
    }

    [Fact]
    public void Estimate_CamVariants_FinerCamDoublesTheBackwardRowsOthersCostTheirPasses()
    {
        var entry = Catalog.Get(RepoPaths.SmallModel);
        var model = new ModelCost(entry.Graph, entry.Layers);
        double f = model.ForwardFlops, s = model.SuffixFlops(entry.DefaultLayer!);
        double Cost(params string[] methods)
        {
            var request = Requests.Image("both.png", RepoPaths.SmallModel, methods);
            request.Targets = new Targets { Classes = { 1, 2 } };
            return _admission.Estimate(request, entry) * 1e9;
        }

        Assert.Equal(f + 2 * s, Cost("gradcam"), 3);
        Assert.Equal(f + 4 * s, Cost("finercam"), 3);
        Assert.Equal(f + 4 * s, Cost("gradcam", "finercam", "segeigencam", "refinecam"), 3);
        Assert.Equal(f + 2 * s, Cost("refinecam"), 3);
        Assert.Equal(f, Cost("kpcacam", "fem"), 3);
    }

    [Fact]
    public void Estimate_MoreClassesAndMetrics_CostMore()
    {
        var entry = Catalog.Get(RepoPaths.SmallModel);
        var one = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam", "groupcam");
        var four = one.Clone();
        four.Targets = new Targets { TopK = 4 };
        var metrics = four.Clone();
        metrics.Options = new ExplainOptions { Metrics = true };

        double a = _admission.Estimate(one, entry), b = _admission.Estimate(four, entry), c = _admission.Estimate(metrics, entry);

        Assert.True(a < b && b < c, $"{a} < {b} < {c}");
    }

    [Fact]
    public void Estimate_DuplicateMethodsMerged_CostOfOne()
    {
        var entry = Catalog.Get(RepoPaths.SmallModel);
        var twice = Requests.Image("both.png", RepoPaths.SmallModel, "scorecam", "scorecam");

        double merged = _admission.Estimate(IngestionService.Merged(twice), entry);

        Assert.Equal(_admission.Estimate(Requests.Image("both.png", RepoPaths.SmallModel, "scorecam"), entry), merged);
        Assert.Equal(["scorecam"], IngestionService.Merged(twice).Methods);
    }

    [Fact]
    public void DefaultLimits_CostBombRefusedReadmeRequestAdmitted()
    {
        var entry = Catalog.Get("mobilenet_v2");
        var bomb = Requests.Image("both.png", "mobilenet_v2", ["gradcam", "gradcam++", "xgradcam", "hirescam", "layercam", "gradcam-elementwise", "eigencam", "eigengradcam", "scorecam", "ablationcam", "integrated-gradcam", "groupcam", "guided-backprop", "guided-gradcam"]);
        bomb.Targets = new Targets { Classes = { Enumerable.Range(1, 16) } };
        var readme = Requests.Image("both.png", "mobilenet_v2", "gradcam", "gradcam++", "layercam", "guided-gradcam");
        readme.Targets = new Targets { Classes = { 243, 281 } };
        var scoreCam = Requests.Image("both.png", "mobilenet_v2", "scorecam");

        double b = _admission.Estimate(bomb, entry), r = _admission.Estimate(readme, entry), s = _admission.Estimate(scoreCam, entry);
        bomb.Options = new ExplainOptions { Metrics = true };
        double bm = _admission.Estimate(bomb, entry);
        var small = Catalog.Get(RepoPaths.SmallModel);
        var smallBomb = bomb.Clone();
        smallBomb.Model = RepoPaths.SmallModel;
        double sb = _admission.Estimate(smallBomb, small);
        smallBomb.Options = null;
        double sb0 = _admission.Estimate(smallBomb, small);
        string numbers = $"bomb {b}, bomb+metrics {bm}, readme {r}, scorecam {s}, small bomb {sb0}, +metrics {sb}";
        Assert.True(b > JobLimits.Default.MaxJobGflop, numbers);
        Assert.True(r < JobLimits.Default.MaxJobGflop / 100, numbers);
        Assert.True(s < JobLimits.Default.MaxJobGflop, numbers);
    }
}
