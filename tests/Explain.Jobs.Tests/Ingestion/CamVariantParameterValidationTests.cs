using Explain.Jobs.Ingestion;
using Explain.Jobs.Models;
using Explain.Jobs.Tests.Support;
using Explain.V1;

namespace Explain.Jobs.Tests.Ingestion;

/// <summary>MethodParameters fields 20–24 (the CAM variants): out of range is INVALID_ARGUMENT naming options.parameters.&lt;field&gt;, before queueing.</summary>
public sealed class CamVariantParameterValidationTests
{
    private static readonly Lazy<ModelCatalog> Catalog = new(() => new ModelCatalog(new JobsOptions { ModelStore = RepoPaths.ModelStore }));

    public static TheoryData<string, MethodParameters> Bad() => new()
    {
        { "finercam_alpha", new MethodParameters { FinercamAlpha = -1f } },
        { "finercam_alpha", new MethodParameters { FinercamAlpha = 100f } },
        { "finercam_comparisons", new MethodParameters { FinercamComparisons = 17 } },
        { "kpca_kernel", new MethodParameters { KpcaKernel = (KpcaKernel)99 } },
        { "kpca_gamma", new MethodParameters { KpcaGamma = -0.5f } },
        { "kpca_gamma", new MethodParameters { KpcaGamma = float.NaN } },
        { "fem_k", new MethodParameters { FemK = 11f } },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Validate_CamVariantParameterOutOfRange_InvalidArgumentNamingTheField(string field, MethodParameters parameters)
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "finercam", "kpcacam", "fem");
        request.Options = new ExplainOptions { Parameters = parameters };

        var e = Assert.Throws<JobRejectedException>(() => new RequestValidator(Catalog.Value, JobLimits.Default).Validate(request));

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal($"options.parameters.{field}", e.Field);
    }

    [Fact]
    public void Validate_CamVariantParametersInRange_Accepted()
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "finercam", "kpcacam", "fem", "segeigencam", "refinecam");
        request.Options = new ExplainOptions { Parameters = new MethodParameters { FinercamAlpha = 0f, FinercamComparisons = 5, KpcaKernel = KpcaKernel.Rbf, KpcaGamma = 0.01f, FemK = 0f } };

        var entry = new RequestValidator(Catalog.Value, JobLimits.Default).Validate(request);

        Assert.Equal(RepoPaths.SmallModel, entry.Card.Name);
    }
}
