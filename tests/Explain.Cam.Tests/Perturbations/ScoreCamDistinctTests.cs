using Explain.Cam.Methods;
using Explain.Cam.Perturbation;

namespace Explain.Cam.Tests.Perturbations;

/// <summary>Score-CAM scores each distinct activation map once: channels with the same map make the same masked input.</summary>
public sealed class ScoreCamDistinctTests
{
    [Fact]
    public void Distinct_RepeatedAndAllZeroChannels_EachMapScoredOnceAndEveryChannelMappedToIt()
    {
        // Arrange: channels 0 and 3 equal, 1, 2 and 5 all zero, 4 its own.
        float[] a = [1, 2, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0];
        var layer = new LayerMaps(a, new float[a.Length], 6, 1, 2);

        // Act
        var (distinct, copyOf) = ScoreCam.Distinct(layer, [0, 1, 2, 3, 4, 5]);

        // Assert
        Assert.Equal([0, 1, 4], distinct);
        Assert.Equal([0, 1, 1, 0, 2, 1], copyOf);
    }

    [Fact]
    public void Distinct_MapsDifferingInOneValue_AllKept()
    {
        float[] a = [1, 2, 1, 2.0000002f, 1, 2];
        var layer = new LayerMaps(a, new float[a.Length], 3, 1, 2);

        var (distinct, copyOf) = ScoreCam.Distinct(layer, [0, 1, 2]);

        Assert.Equal([0, 1], distinct);
        Assert.Equal([0, 1, 0], copyOf);
    }

    [Fact]
    public void Distinct_ChosenSubset_IndicesAreTheLayersChannels()
    {
        float[] a = [5, 5, 0, 0, 5, 5, 0, 0];
        var layer = new LayerMaps(a, new float[a.Length], 4, 1, 2);

        var (distinct, copyOf) = ScoreCam.Distinct(layer, [1, 2, 3]);

        Assert.Equal([1, 2], distinct);
        Assert.Equal([0, 1, 0], copyOf);
    }
}
