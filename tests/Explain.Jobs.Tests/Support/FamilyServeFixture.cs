namespace Explain.Jobs.Tests.Support;

/// <summary>`explain serve` in process on the family model store (segmentation, detection, embedding models with seeded random weights).</summary>
public sealed class FamilyServeFixture : ServeFixture
{
    protected override string ModelStore
    {
        get
        {
            // Fail with the fixture script's name, not as an empty store.
            RepoPaths.Family("lraspp_mobilenet_v3", "model.json");
            return RepoPaths.FamilyStore;
        }
    }
}
