using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;

namespace Explain.Cam.Tests.Fixtures;

/// <summary>
/// Group-CAM's map contract on the two architectures the fixture script runs its perturbation
/// methods on (32 masked full-model runs per class are slow: vgg16 took over 10 minutes on the
/// shared 2-core machine). Its values are tested against the authors' algorithm in
/// FeatureReferenceTests (resnet18).
/// Its raw map is Σ_g score_g · M_g with masks already upsampled, so it lives at the input's
/// resolution, not the target layer's (PerturbationMethod.InputResolution).
/// </summary>
public sealed class GroupCamContractTests
{
    public static TheoryData<string> Architectures() => new(CamFixtureTests.PerturbationArchitectures);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Explain_GroupCamOnArchitecture_GivesNormalizedMapPerClass(string arch)
    {
        // Arrange
        var fixture = CamFixture.Require(arch);
        var input = fixture.Input();
        var options = new ExplainOptions { Methods = ["groupcam"], Layers = [fixture.ActivationName], Targets = new TargetSelection(fixture.Classes, 0, false) };

        // Act
        var explanation = fixture.CreateExplainer().Explain(input, options);

        // Assert
        Assert.Equal(fixture.Classes, explanation.Maps.Select(m => m.Class ?? -1));
        foreach (var map in explanation.Maps)
        {
            Assert.Equal("groupcam", map.Method);
            Assert.Equal(new[] { input.Shape[2], input.Shape[3] }, map.RawShape);
            Assert.Equal(new[] { input.Shape[2], input.Shape[3] }, map.MapShape);
            Assert.True(MapError.AllFinite(map.Raw) && MapError.AllFinite(map.Map), $"{arch} c{map.Class}: NaN or infinity");
            Assert.InRange(map.Map.Min(), 0f, 1f);
            Assert.InRange(map.Map.Max(), 0f, 1f);
        }
    }
}
