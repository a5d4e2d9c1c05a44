using Explain.Cam.Perturbation;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Perturbations;

/// <summary>
/// Issue 13, "class discrimination": the five noise- and mask-based methods on the real mobilenet_v2
/// and both.png (bull mastiff above, tabby below), both classes in one call. All five are
/// class-discriminative by construction (each weighs its masks or channels by the target's own
/// score), so each class's map must put a clear majority (≥ 60 %) of its mass on its own animal's
/// half, as the CAM methods of ClassDiscriminationTests. The printed shares go into the issue note.
/// Parameters are cut for time: iscam 4 steps and sscam 8 samples on the 64 channels of largest
/// variance, RISE 1000 masks; smoothgradcam++ and occlusion run with their defaults. sscam runs with
/// σ = 0.25: TorchCAM's σ = 2 on masks in [0, 1] buries the masks in noise, and on this scene its
/// maps do not separate the animals (measured 2026-12-02, 32 channels: 35 samples 52.8 % / 44.5 %,
/// 4 samples 57.6 % / 41.7 %); with σ = 0.25 they do (83.8 % / 90.3 %). Measured for the others:
/// smoothgradcam++ 67.9 % / 64.3 %, iscam 78.2 % / 89.6 %, occlusion 63.1 % / 81.9 %, rise 65.7 % / 61.8 %.
/// </summary>
public sealed class PerturbationDiscriminationTests(ITestOutputHelper output)
{
    private const double Majority = 0.60;

    [Theory]
    [InlineData("smoothgradcam++")]
    [InlineData("sscam")]
    [InlineData("iscam")]
    [InlineData("occlusion")]
    [InlineData("rise")]
    public void Explain_DogAboveCat_EachMapMostlyOnItsAnimal(string method)
    {
        var input = BothScene.Input();
        var options = new ExplainOptions
        {
            Methods = [method],
            Targets = new TargetSelection([BothScene.BullMastiff, BothScene.Tabby], 0, false),
            ScoreCamChannels = 64,
            Perturbation = PerturbationParameters.Default with { SsCamSamples = 8, SsCamStd = 0.25f, IsCamSamples = 4, RiseMasks = 1000 },
        };
        using var explainer = BothScene.CreateExplainer();
        var explanation = explainer.Explain(input.Tensor, options);
        var dog = explanation.Maps.Single(m => m.Class == BothScene.BullMastiff);
        var cat = explanation.Maps.Single(m => m.Class == BothScene.Tabby);
        int h = dog.MapShape[0], w = dog.MapShape[1];
        double dogUpper = BothScene.MassFraction(dog.Map, h, w, 0, h / 2);
        double catLower = BothScene.MassFraction(cat.Map, h, w, h / 2, h);
        output.WriteLine($"{method}: class 243 upper half {dogUpper:P1}, class 281 lower half {catLower:P1} ({explanation.TimingsMs[method]:F0} ms)");
        Assert.True(dogUpper >= Majority && catLower >= Majority, $"{method}: bull mastiff {dogUpper:P1} in the upper half, tabby {catLower:P1} in the lower half (want both ≥ {Majority:P0})");
    }
}
