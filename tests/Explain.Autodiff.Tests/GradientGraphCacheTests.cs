using Explain.Autodiff.Tests.Support;

namespace Explain.Autodiff.Tests;

public sealed class GradientGraphCacheTests
{
    private static byte[] Model(float weight) => new ModelBuilder(13).Input("x", 1, 3).Floats("w", [weight, 1f, 1f], 3)
        .Node("Mul", ["x", "w"], ["m"]).Node("Relu", ["m"], ["y"]).Output("y").Build();

    [Fact]
    public void GetOrCompile_SameModelAndRequest_CompilesOnce()
    {
        var cache = new GradientGraphCache();
        var request = new GradientRequest(["m"], "y", GradientMode.Standard);

        var first = cache.GetOrCompile(Model(2f), request);
        var second = cache.GetOrCompile(Model(2f), request with { Observed = ["m"] });

        Assert.Same(first, second);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void GetOrCompile_OtherModeTensorsOrContent_CompilesAgain()
    {
        var cache = new GradientGraphCache();
        var request = new GradientRequest(["m"], "y", GradientMode.Standard);
        var standard = cache.GetOrCompile(Model(2f), request);

        Assert.NotSame(standard, cache.GetOrCompile(Model(2f), request with { Mode = GradientMode.Guided }));
        Assert.NotSame(standard, cache.GetOrCompile(Model(2f), request with { Observed = ["x"] }));
        Assert.NotSame(standard, cache.GetOrCompile(Model(3f), request));
        Assert.Equal(4, cache.Count);
    }

    [Fact]
    public void GetOrCompile_FailedCompilation_IsNotCached()
    {
        var cache = new GradientGraphCache();
        var bad = new GradientRequest(["nope"], "y", GradientMode.Standard);

        Assert.Throws<ArgumentException>(() => cache.GetOrCompile(Model(2f), bad));
        Assert.Throws<ArgumentException>(() => cache.GetOrCompile(Model(2f), bad));
        Assert.Equal(0, cache.Count);
    }
}
