using Explain.Cam.Backends;
using Explain.Cam.Perturbation;
using Explain.Cam.Tests.Support;

namespace Explain.Cam.Tests.Perturbations;

/// <summary>
/// Limits of the noise- and mask-based methods are enforced before any pass: an out-of-range
/// parameter throws naming its field, and the probe has run no batch.
/// </summary>
public sealed class PerturbationLimitTests
{
    public static TheoryData<string, string, PerturbationParameters> OutOfRange() => new()
    {
        { "sscam", "sscam_samples", PerturbationParameters.Default with { SsCamSamples = 257 } },
        { "smoothgradcam++", "smoothgradcampp_samples", PerturbationParameters.Default with { SmoothGradCamPlusPlusSamples = 0 } },
        { "smoothgradcam++", "smoothgradcampp_std", PerturbationParameters.Default with { SmoothGradCamPlusPlusStd = -1 } },
        { "iscam", "iscam_samples", PerturbationParameters.Default with { IsCamSamples = 1000 } },
        { "rise", "rise_masks", PerturbationParameters.Default with { RiseMasks = 8001 } },
        { "rise", "rise_cells", PerturbationParameters.Default with { RiseCells = 1 } },
        { "rise", "rise_probability", PerturbationParameters.Default with { RiseProbability = 1 } },
        { "occlusion", "occlusion_stride", PerturbationParameters.Default with { OcclusionWindow = 4, OcclusionStride = 5 } },
        // The fixture input is 112 × 112: a 113-pixel window does not fit.
        { "occlusion", "occlusion_window", PerturbationParameters.Default with { OcclusionWindow = 113 } },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Explain_ParameterOutOfRange_ThrowsNamingTheFieldBeforeAnyBatch(string method, string field, PerturbationParameters parameters)
    {
        var fixture = PerturbFixture.Require("resnet18");
        using var explainer = fixture.CreateExplainer(BackendKind.OnnxRuntime);
        var e = Assert.Throws<ArgumentException>(() => explainer.Explain(fixture.Input(), new ExplainOptions
        {
            Methods = [method],
            Layers = [fixture.ActivationName],
            Perturbation = parameters,
        }));
        Assert.StartsWith(field + " ", e.Message);
        Assert.Equal(0, explainer.Probe.BatchesRun);
    }

    [Fact]
    public void ValidateFor_TooManyOcclusionWindows_NamesTheStride()
    {
        var parameters = PerturbationParameters.Default with { OcclusionWindow = 1, OcclusionStride = 1 };
        parameters.Validate();
        var e = Assert.Throws<ArgumentException>(() => parameters.ValidateFor(224, 224));
        Assert.StartsWith("occlusion_stride ", e.Message);
        parameters.ValidateFor(112, 112);
    }

    [Theory]
    [InlineData(112, 15, 8, 14)]
    [InlineData(112, 20, 16, 7)]
    [InlineData(112, 16, 16, 7)]
    [InlineData(112, 112, 1, 1)]
    public void OcclusionPositions_AsCaptumShiftCounts(int size, int window, int stride, int expected) =>
        Assert.Equal(expected, (PerturbationParameters.Default with { OcclusionWindow = window, OcclusionStride = stride }).OcclusionPositions(size));
}
