using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Attribution;

/// <summary>
/// Issue 13, "class discrimination": the gradient and input-attribution methods on the real
/// mobilenet_v2 and both.png (bull mastiff above, tabby below), both classes in one call. The mass
/// each class's map puts on its own animal's half is printed for every method (the issue note
/// reports them). The CAM-type methods (cam, shapleycam) must put a clear majority (≥ 60 %) of each
/// class's mass on its own animal, as the CAM methods of ClassDiscriminationTests. Input-gradient
/// maps are known to be weakly class-discriminative (Adebayo et al., NeurIPS 2018: they follow edges
/// whatever the class): measured 2026-12-02 (ORT), saliency puts only 41 % of the dog map on the dog
/// and vargrad 35 % of the cat map on the cat. For them the test asserts that the map MOVES with the
/// class: the dog map puts more of its mass in the upper half than the cat map does, by ≥ 5 points
/// (measured margins 9–23 points); a map that ignored the class would give the same share for both.
/// The sanity baselines (randomcam, sobel) are class-agnostic by design and only reported.
/// </summary>
public sealed class AttributionDiscriminationTests(ITestOutputHelper output)
{
    private const double Majority = 0.60;
    private const double Shift = 0.05;

    public static TheoryData<string> CamTypeMethods() => new("shapleycam", "cam");

    public static TheoryData<string> InputGradientMethods() => new(
        "saliency", "inputxgradient", "integrated-gradients", "smoothgrad", "smoothgrad-squared", "vargrad", "fullgrad");

    [Theory]
    [MemberData(nameof(CamTypeMethods))]
    public void Explain_DogAboveCat_EachMapMostlyOnItsAnimal(string method)
    {
        var (dog, cat) = Halves(method);
        Assert.True(dog >= Majority && cat >= Majority, $"{method}: bull mastiff {dog:P1} in the upper half, tabby {cat:P1} in the lower half (want both ≥ {Majority:P0})");
    }

    [Theory]
    [MemberData(nameof(InputGradientMethods))]
    public void Explain_DogAboveCat_MapMovesWithTheClass(string method)
    {
        var (dog, cat) = Halves(method);
        double catUpper = 1 - cat;
        Assert.True(dog - catUpper >= Shift, $"{method}: the dog map has {dog:P1} in the upper half, the cat map {catUpper:P1} (want ≥ {Shift:P0} more for the dog)");
    }

    [Theory]
    [InlineData("randomcam")]
    [InlineData("sobel")]
    public void Explain_SanityBaseline_ReportsHalves(string method)
    {
        var (dog, cat) = Halves(method);
        Assert.InRange(dog, 0, 1);
        Assert.InRange(cat, 0, 1);
    }

    private (double Dog, double Cat) Halves(string method)
    {
        var input = BothScene.Input();
        var options = new ExplainOptions { Methods = [method], Targets = new TargetSelection([BothScene.BullMastiff, BothScene.Tabby], 0, false) };
        using var explainer = BothScene.CreateExplainer();
        var explanation = explainer.Explain(input.Tensor, options);
        var dog = explanation.Maps.Single(m => m.Class == BothScene.BullMastiff);
        var cat = explanation.Maps.Single(m => m.Class == BothScene.Tabby);
        int h = dog.MapShape[0], w = dog.MapShape[1];
        double dogUpper = BothScene.MassFraction(dog.Map, h, w, 0, h / 2);
        double catLower = BothScene.MassFraction(cat.Map, h, w, h / 2, h);
        output.WriteLine($"{method}: class 243 upper half {dogUpper:P1}, class 281 lower half {catLower:P1} ({explanation.TimingsMs[method]:F0} ms)");
        return (dogUpper, catLower);
    }
}
