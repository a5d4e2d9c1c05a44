using Explain.Cam.Backends;
using Explain.Cam.Tests.Support;
using Xunit.Abstractions;
using static Explain.Cam.Tests.Support.FamilyFixture;

namespace Explain.Cam.Tests.Families;

/// <summary>
/// K targets in one backward pass equal one at a time on the family models: every target of a family
/// explained alone gives the map it gets among the others (the seeds are rows of one [K, ...] seed tensor,
/// so a wrong row offset or a target bound to another's output would show here).
/// </summary>
/// <remarks>
/// Bound 1e-6: the same float32 computation in a different batch; ONNX Runtime's MatMul/ConvTranspose may
/// block K differently, moving sums by a few ulps, nothing more.
/// </remarks>
public sealed class FamilyBatchingTests(ITestOutputHelper output)
{
    private const double Bound = 1e-6;

    public static TheoryData<string, BackendKind> Cases() => new()
    {
        { Segmenter, BackendKind.OnnxRuntime },
        { Detector, BackendKind.OnnxRuntime },
        { Detector, BackendKind.Managed },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Explain_TargetAlone_EqualsTargetInTheBatch(string family, BackendKind backend)
    {
        var f = Require(family);
        using var explainer = f.Open(backend);
        var all = explainer.Explain(f.Input(), f.Options(f.Specs.Select(f.Parse).ToList(), ["gradcam"]));
        Assert.Equal(f.Specs.Length, all.Maps.Count);

        foreach (var spec in f.Specs)
        {
            var alone = explainer.Explain(f.Input(), f.Options([f.Parse(spec)], ["gradcam"])).Maps.Single();
            var batched = all.Maps.Single(m => m.Target == alone.Target);
            double error = MapError.RelativeL2(alone.Raw, batched.Raw);
            output.WriteLine($"{family} {spec} {backend}: alone vs batched rel L2 {error:G3}");
            Assert.True(error < Bound, $"{spec}: relative L2 {error:G3} between alone and batched");
            Assert.Equal(alone.Geometry, batched.Geometry);
        }
    }
}
