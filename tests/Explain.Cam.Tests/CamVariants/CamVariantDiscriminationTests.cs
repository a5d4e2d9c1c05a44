using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.CamVariants;

/// <summary>
/// Issue 13, "class discrimination", for the CAM variants on the real mobilenet_v2 and both.png
/// (bull mastiff above, tabby below), both classes in one call. FinerCAM must put a clear majority
/// (≥ 60 %) of each class's mass on its own animal's half, as the CAM methods of
/// ClassDiscriminationTests; the shares are printed for the issue note. RefineCAM on two layers
/// (14×14 and 7×7, as the method is meant to be used) multiplies in the 14×14 layer's Grad-CAM++,
/// which is noisier on this model: measured 2026-12-02 (ORT) 62.4 % / 57.2 % (on the default layer
/// alone it is Grad-CAM++: 69.3 / 65.2 %); the test asserts that its map MOVES with the class, the
/// dog map putting ≥ 5 points more of its mass in the upper half than the cat map does (measured
/// 19.6 points), as AttributionDiscriminationTests does for the weakly discriminative methods. Seg-Eigen-CAM weighs the activations by |∂y/∂A|, which
/// drops the gradient's sign, and keeps their first principal component, which follows the
/// dominant object whatever the class: measured 2026-12-02 (ORT) the tabby's map puts 4 % of its
/// mass on the tabby (the dog's 98 % on the dog), as upstream's formula gives (its parity tests
/// pass on both architectures). For it the test asserts only that the map depends on the class.
/// KPCA-CAM and FEM read no gradient: by design they give the same map for every class, which the
/// test asserts (a class leaking into them would be a bug).
/// </summary>
public sealed class CamVariantDiscriminationTests(ITestOutputHelper output)
{
    private const double Majority = 0.60;

    private static readonly string[] RefineLayers = ["MobilenetV2/expanded_conv_12/add/add", "MobilenetV2/Conv_1/Relu6"];

    private const double Shift = 0.05;

    public static TheoryData<string> Discriminative() => new("finercam");

    public static TheoryData<string> ClassAgnostic() => new("kpcacam", "fem");

    [Theory]
    [MemberData(nameof(Discriminative))]
    public void Explain_DogAboveCat_EachMapMostlyOnItsAnimal(string method)
    {
        var (dog, cat) = Maps(method);
        double dogUpper = Half(dog, upper: true), catLower = Half(cat, upper: false);
        output.WriteLine($"{method}: class 243 upper half {dogUpper:P1}, class 281 lower half {catLower:P1}");
        Assert.True(dogUpper >= Majority && catLower >= Majority, $"{method}: bull mastiff {dogUpper:P1} in the upper half, tabby {catLower:P1} in the lower half (want both ≥ {Majority:P0})");
    }

    [Fact]
    public void Explain_DogAboveCat_RefineCamOnTwoLayersMovesWithTheClass()
    {
        var (dog, cat) = Maps("refinecam");
        double dogUpper = Half(dog, upper: true), catUpper = Half(cat, upper: true);
        output.WriteLine($"refinecam on {string.Join(" x ", RefineLayers)}: class 243 upper half {dogUpper:P1}, class 281 lower half {1 - catUpper:P1}");
        Assert.True(dogUpper - catUpper >= Shift, $"refinecam: the dog map has {dogUpper:P1} in the upper half, the cat map {catUpper:P1} (want ≥ {Shift:P0} more for the dog)");
    }

    [Fact]
    public void Explain_DogAboveCat_SegEigenCamDependsOnTheClass()
    {
        var (dog, cat) = Maps("segeigencam");
        double dogUpper = Half(dog, upper: true), catLower = Half(cat, upper: false);
        output.WriteLine($"segeigencam: class 243 upper half {dogUpper:P1}, class 281 lower half {catLower:P1}");
        Assert.True(MapError.MaxAbs(dog.Map, cat.Map) > 1e-2, "segeigencam gives the same map for both classes: the gradients were not read");
    }

    [Theory]
    [MemberData(nameof(ClassAgnostic))]
    public void Explain_DogAboveCat_ClassAgnosticMapIsTheSameForBoth(string method)
    {
        var (dog, cat) = Maps(method);
        output.WriteLine($"{method}: upper half {Half(dog, upper: true):P1} for both classes");
        Assert.Equal(dog.Map, cat.Map);
        Assert.True(dog.Map.Max() > 0, $"{method}: the map is all zero");
    }

    [Fact]
    public void Explain_KpcaCamOnALayerOverItsLimit_ThrowsNamingTheLayer()
    {
        // 28 × 28 = 784 positions > KpcaCam.MaxPositions: refused before the O(n³) eigen work.
        var input = BothScene.Input();
        using var explainer = BothScene.CreateExplainer();

        var e = Assert.Throws<ArgumentException>(() => explainer.Explain(input.Tensor, new ExplainOptions { Methods = ["kpcacam"], Layers = ["MobilenetV2/expanded_conv_3/depthwise/Relu6/conv"] }));

        Assert.StartsWith("layers: kpcacam takes layers of at most 256 positions", e.Message);
        Assert.Contains("has 784", e.Message);
    }

    private static (CamMap Dog, CamMap Cat) Maps(string method)
    {
        var input = BothScene.Input();
        var options = new ExplainOptions
        {
            Methods = [method], Layers = method == "refinecam" ? RefineLayers : [], Targets = new TargetSelection([BothScene.BullMastiff, BothScene.Tabby], 0, false),
        };
        using var explainer = BothScene.CreateExplainer();
        var explanation = explainer.Explain(input.Tensor, options);
        return (explanation.Maps.Single(m => m.Class == BothScene.BullMastiff), explanation.Maps.Single(m => m.Class == BothScene.Tabby));
    }

    private static double Half(CamMap map, bool upper)
    {
        int h = map.MapShape[0], w = map.MapShape[1];
        return upper ? BothScene.MassFraction(map.Map, h, w, 0, h / 2) : BothScene.MassFraction(map.Map, h, w, h / 2, h);
    }
}
