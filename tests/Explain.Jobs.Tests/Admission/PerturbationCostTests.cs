using Explain.Jobs.Admission;
using Explain.Jobs.Ingestion;
using Explain.Jobs.Models;
using Explain.Jobs.Tests.Support;
using Explain.V1;

namespace Explain.Jobs.Tests.Admission;

/// <summary>
/// Issue 13's noise- and mask-based methods in the cost formula (Admission/JobCost.cs: their forward
/// passes, padded to the probe's batch of 16) and their parameters' limits at ingestion
/// (INVALID_ARGUMENT naming options.parameters.&lt;field&gt; before anything is queued).
/// </summary>
public sealed class PerturbationCostTests
{
    private static readonly ModelCatalog Catalog = new(new JobsOptions { ModelStore = RepoPaths.ModelStore });

    private readonly AdmissionControl _admission = new(JobLimits.Default, new ActiveJobs());

    private static ExplainRequest With(string method, MethodParameters parameters)
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, method);
        request.Options = new V1.ExplainOptions { Parameters = parameters };
        return request;
    }

    [Theory]
    [InlineData("rise", 100, 112)]        // pad(100) = 112 masks
    [InlineData("rise", 4000, 4000)]      // the default
    public void Estimate_Rise_OneForwardPerPaddedMask(string method, uint masks, int passes)
    {
        var entry = Catalog.Get(RepoPaths.SmallModel);
        var model = new ModelCost(entry.Graph, entry.Layers);
        double gflop = _admission.Estimate(With(method, new MethodParameters { RiseMasks = masks == 4000 ? 0 : masks }), entry);
        Assert.Equal((1 + passes) * model.ForwardFlops / 1e9, gflop, 9);
    }

    [Fact]
    public void Estimate_Occlusion_OneForwardPerPaddedWindow()
    {
        var entry = Catalog.Get(RepoPaths.SmallModel);
        var model = new ModelCost(entry.Graph, entry.Layers);
        var (h, w) = model.InputSize!.Value;
        int windows = ((h - 32 + 15) / 16 + 1) * ((w - 32 + 15) / 16 + 1);
        double gflop = _admission.Estimate(With("occlusion", new MethodParameters { OcclusionWindow = 32, OcclusionStride = 16 }), entry);
        Assert.Equal((1 + (windows + 15) / 16 * 16) * model.ForwardFlops / 1e9, gflop, 9);
    }

    [Fact]
    public void Estimate_SsCam_SamplesTimesScoredChannels()
    {
        var entry = Catalog.Get(RepoPaths.SmallModel);
        var model = new ModelCost(entry.Graph, entry.Layers);
        double all = _admission.Estimate(With("sscam", new MethodParameters { SscamSamples = 3 }), entry);
        double limited = _admission.Estimate(With("sscam", new MethodParameters { SscamSamples = 3, ScoreChannels = 10 }), entry);
        int channels = model.Channels(entry.DefaultLayer!);
        Assert.Equal((1 + 3 * channels) * model.ForwardFlops / 1e9, all, 9);
        Assert.Equal((1 + 32) * model.ForwardFlops / 1e9, limited, 9); // pad(3 × 10) = 32
    }

    [Fact]
    public void Estimate_IsCamAndSmoothGradCamPlusPlus_TheirPassesAtTheDefaults()
    {
        var entry = Catalog.Get(RepoPaths.SmallModel);
        var model = new ModelCost(entry.Graph, entry.Layers);
        string layer = entry.DefaultLayer!;
        double f = model.ForwardFlops, suffix = model.SuffixFlops(layer);
        int channels = model.Channels(layer);
        double iscam = _admission.Estimate(Requests.Image("both.png", RepoPaths.SmallModel, "iscam"), entry);
        double sgcpp = _admission.Estimate(Requests.Image("both.png", RepoPaths.SmallModel, "smoothgradcam++"), entry);
        Assert.Equal((f + (10 * channels + 15) / 16 * 16 * f) / 1e9, iscam, 9);   // 10 steps x C channels, padded
        Assert.Equal((f + 4 * (f + suffix)) / 1e9, sgcpp, 9);                      // 4 noisy forwards and 1-target backwards
    }

    public static TheoryData<string, MethodParameters, string> OutOfRange() => new()
    {
        { "sscam", new MethodParameters { SscamSamples = 257 }, "options.parameters.sscam_samples" },
        { "smoothgradcam++", new MethodParameters { SmoothgradcamppStd = -0.5f }, "options.parameters.smoothgradcampp_std" },
        { "iscam", new MethodParameters { IscamSamples = 10_000 }, "options.parameters.iscam_samples" },
        { "rise", new MethodParameters { RiseMasks = 8001 }, "options.parameters.rise_masks" },
        { "rise", new MethodParameters { RiseProbability = 1.5f }, "options.parameters.rise_probability" },
        { "occlusion", new MethodParameters { OcclusionWindow = 8, OcclusionStride = 9 }, "options.parameters.occlusion_stride" },
        { "occlusion", new MethodParameters { OcclusionWindow = 5000 }, "options.parameters.occlusion_window" },
        { "scorecam", new MethodParameters { ScoreChannels = 5000 }, "options.parameters.score_channels" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Validate_ParameterOutOfRange_InvalidArgumentNamingTheField(string method, MethodParameters parameters, string field)
    {
        var validator = new RequestValidator(Catalog, JobLimits.Default);
        var e = Assert.Throws<JobRejectedException>(() => validator.Validate(With(method, parameters)));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(field, e.Field);
    }
}
