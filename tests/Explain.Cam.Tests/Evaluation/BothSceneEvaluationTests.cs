using Explain.Cam.Evaluation;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Evaluation;

/// <summary>
/// Localization and text on the real mobilenet_v2 and both.png (bull mastiff above, tabby below):
/// plausibility, not pixels. The photo's centre crop puts the dog's head in the upper half and the
/// cat in the lower half of the 224×224 input.
/// </summary>
public sealed class BothSceneEvaluationTests(ITestOutputHelper output)
{
    [Fact]
    public void Explain_BothScene_BoxesTheDogAboveTheCatAndSaysWhichChannels()
    {
        // Arrange
        using var explainer = BothScene.CreateExplainer();
        var input = BothScene.Input();
        var dogBox = new PixelBox(40, 0, 150, 112);   // a loose ground truth: the upper half, mid columns
        var options = new ExplainOptions
        {
            Methods = ["gradcam"], Targets = new TargetSelection([BothScene.BullMastiff, BothScene.Tabby], 0, false),
            Evaluation = new EvaluationOptions { GroundTruth = dogBox },
        };

        // Act
        var explanation = explainer.Explain(input.Tensor, options);

        // Assert
        var dog = explanation.Maps.Single(m => m.Class == BothScene.BullMastiff).Localization!;
        var cat = explanation.Maps.Single(m => m.Class == BothScene.Tabby).Localization!;
        output.WriteLine($"dog box {dog.Box}, peak ({dog.PeakX}, {dog.PeakY}), pointing {dog.PointingHit}; cat box {cat.Box}, peak ({cat.PeakX}, {cat.PeakY}), pointing {cat.PointingHit}");
        double Centre(PixelBox b) => b.Y + b.Height / 2.0;
        Assert.True(Centre(dog.Box!) < 112, $"the mastiff's box centre should be in the upper half: {dog.Box}");
        Assert.True(Centre(cat.Box!) > 112, $"the cat's box centre should be in the lower half: {cat.Box}");
        Assert.True(Centre(dog.Box!) < Centre(cat.Box!));
        Assert.True(dog.PointingHit, "the mastiff's peak should fall in the upper half");
        Assert.False(cat.PointingHit, "the cat's peak should not");

        Assert.NotNull(explanation.Texts);
        Assert.Equal(2, explanation.Texts.Count);
        foreach (var text in explanation.Texts)
        {
            output.WriteLine(text.Sentence);
            Assert.StartsWith(BothScene.Card.Label(text.Class!.Value) + ": ", text.Sentence);
            Assert.InRange(text.Channels.Count, 1, 3);
            Assert.All(text.Channels, c => Assert.InRange(c.Share, 0f, 1f));
            Assert.Contains($"% from channel {text.Channels[0].Channel}", text.Sentence);
            Assert.True(text.Channels.Zip(text.Channels.Skip(1)).All(p => p.First.Share >= p.Second.Share), "channels in decreasing share");
        }
        // Class-discriminative: the two classes are not made of the same channels (measured: the
        // mastiff 614, 342, 1017; the tabby 614, 391, 718 — channel 614 leads both at this layer).
        Assert.False(explanation.Texts[0].Channels.Select(c => c.Channel).SequenceEqual(explanation.Texts[1].Channels.Select(c => c.Channel)));
    }
}
