using Explain.Jobs.Admission;
using Explain.Jobs.Ingestion;
using Explain.Jobs.Models;
using Explain.Jobs.Tests.Support;
using Explain.Jobs.Worker;
using Explain.V1;

namespace Explain.Jobs.Tests.Admission;

/// <summary>
/// Issue 13's dff and sanity-check parameters at the service edge: out-of-range values are
/// INVALID_ARGUMENT naming options.parameters.&lt;field&gt; before queueing, admission counts the
/// sanity check's second explanation, and dff maps reach HEATMAP with their concept classes.
/// </summary>
public sealed class Issue13ParametersTests
{
    private static readonly ModelCatalog Catalog = new(new JobsOptions { ModelStore = RepoPaths.ModelStore });

    private readonly AdmissionControl _admission = new(JobLimits.Default, new ActiveJobs());

    [Theory]
    [InlineData("dff_concepts")]
    [InlineData("dff_iterations")]
    [InlineData("dff_top_classes")]
    [InlineData("integrated_gradients_steps")]
    [InlineData("sanity_check_layers")]
    public void Validate_ParameterOutOfRange_NamesTheField(string field)
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "dff");
        var p = new MethodParameters();
        switch (field)
        {
            case "dff_concepts": p.DffConcepts = 33; break;
            case "dff_iterations": p.DffIterations = 5000; break;
            case "dff_top_classes": p.DffTopClasses = 11; break;
            case "integrated_gradients_steps": p.IntegratedGradientsSteps = 257; break;
            default: p.SanityCheckLayers = 1001; break;
        }
        request.Options = new ExplainOptions { Parameters = p };

        var e = Assert.Throws<JobRejectedException>(() => new RequestValidator(Catalog, JobLimits.Default).Validate(request));

        Assert.Equal($"options.parameters.{field}", e.Field);
    }

    [Fact]
    public void Estimate_SanityCheck_AddsTheExplanationAgain()
    {
        var entry = Catalog.Get(RepoPaths.SmallModel);
        var metrics = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam", "scorecam");
        metrics.Options = new ExplainOptions { Metrics = true };
        var sanity = metrics.Clone();
        sanity.Options.Parameters = new MethodParameters { SanityCheck = true };
        var plain = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam", "scorecam");

        double a = _admission.Estimate(plain, entry), b = _admission.Estimate(metrics, entry), c = _admission.Estimate(sanity, entry);

        Assert.Equal(b + a, c, 9);
    }

    [Fact]
    public void Estimate_Dff_CostsTheSharedBackward()
    {
        var entry = Catalog.Get(RepoPaths.SmallModel);

        double dff = _admission.Estimate(Requests.Image("both.png", RepoPaths.SmallModel, "dff"), entry);
        double gradcam = _admission.Estimate(Requests.Image("both.png", RepoPaths.SmallModel, "gradcam"), entry);

        Assert.Equal(gradcam, dff, 9);
    }

    [Fact]
    public void HeatmapEvent_DffConcept_CarriesItsClassesAndLabel()
    {
        var map = new Cam.CamMap("dff", "concept-2", null, "layer", [1f, 2f], [1, 2], [0f, 1f], [1, 2])
        {
            ConceptClasses = [new Cam.Prediction(243, "bull mastiff", 3.5f, 0.6f), new Cam.Prediction(242, "boxer", 2f, 0.2f)],
        };
        var input = Cam.Inputs.ExplainInput.FromTensor("x.npy", Engine.Tensors.Tensor.Create([1, 3, 1, 2]));

        var e = JobEventFactory.HeatmapEvent("job", input, map, 0, 1, new ExplainOptions { OmitOverlay = true }, c => $"label {c}");

        Assert.Equal("bull mastiff, boxer", e.Heatmap.Label);
        Assert.Equal(-1, e.Heatmap.ClassIndex);
        Assert.Equal([243, 242], e.Heatmap.ConceptClasses.Select(p => p.ClassIndex));
        Assert.Equal(0.6f, e.Heatmap.ConceptClasses[0].Probability);
    }
}
