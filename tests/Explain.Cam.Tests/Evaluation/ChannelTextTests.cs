using Explain.Cam.Evaluation;
using Explain.Cam.Methods;

namespace Explain.Cam.Tests.Evaluation;

/// <summary>Channel shares of a Grad-CAM map built by hand: the arithmetic the sentence reports.</summary>
public sealed class ChannelTextTests
{
    [Fact]
    public void Describe_ThreeChannels_SharesOfThePositiveMapAndNames()
    {
        // Arrange: 3 channels on 1×2 positions; gradients constant per channel, so α = (2, 1, −1).
        float[] a = [1, 1, /* k1 */ 2, 0, /* k2 */ 0.5f, 0.5f];
        float[] g = [2, 2, 1, 1, -1, -1];
        var layer = new LayerMaps(a, g, 3, 1, 2);
        // M = 2·(1,1) + 1·(2,0) − 1·(0.5,0.5) = (3.5, 1.5): both positive, total 5.
        // Shares: k0 = 4/5, k1 = 2/5, k2 = −1/5 (the shares add up to 1).

        // Act
        var text = ChannelText.Describe("c7", 7, "bull mastiff", "layer", layer, 2, ["", "snout"]);

        // Assert
        Assert.Equal([0, 1], text.Channels.Select(c => c.Channel));
        Assert.Equal(0.8f, text.Channels[0].Share, 5);
        Assert.Equal(0.4f, text.Channels[1].Share, 5);
        Assert.Equal(2f, text.Channels[0].Weight, 5);
        Assert.Null(text.Channels[0].Name);
        Assert.Equal("snout", text.Channels[1].Name);
        Assert.Equal("bull mastiff: 80 % from channel 0, 40 % from channel 1 (snout)", text.Sentence);
    }

    [Fact]
    public void Describe_AllNegativeMap_SaysThereIsNoEvidence()
    {
        var layer = new LayerMaps([1, 1], [-1, -1], 1, 1, 2);

        var text = ChannelText.Describe("c3", 3, "tabby", "L", layer, 3, null);

        Assert.Empty(text.Channels);
        Assert.Equal("tabby: no positive Grad-CAM evidence at L", text.Sentence);
    }
}
