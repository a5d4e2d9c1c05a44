using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;

namespace Explain.Cam.Tests.Safety;

/// <summary>
/// Issue 12 part 4: a cancelled explanation stops the work itself. Measured in work, not time:
/// the perturbation batches run after the cancel.
/// </summary>
public sealed class ExplainCancellationTests
{
    private readonly CamFixture _fixture = CamFixture.Require("resnet18");

    [Theory]
    [InlineData("scorecam")]
    [InlineData("ablationcam")]
    public void Explain_CancelledWhileRunning_StopsWithinOneBatch(string method)
    {
        var explainer = _fixture.CreateExplainer();
        var input = _fixture.Input();
        using var cancel = new CancellationTokenSource();
        long atCancel = -1;
        // Cancelled by work, not by time: another thread cancels once the second batch is done, while
        // the computation waits (a polling thread missed batches of a few milliseconds on a fast machine).
        CancelAfterBatches(explainer, cancel, 2, () => atCancel = explainer.Probe.BatchesRun);
        var error = Record.Exception(() => explainer.Explain(input, Options(method), cancel.Token));

        // 512 channels / 16 per batch = 32 batches for the whole map; the one in flight may finish.
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.InRange(atCancel, 2, 3);
        Assert.InRange(explainer.Probe.BatchesRun - atCancel, 0, 1);
    }

    [Fact]
    public void Explain_AfterACancelledRun_GivesTheSameMapsAsAFreshExplainer()
    {
        var explainer = _fixture.CreateExplainer();
        var input = _fixture.Input();
        using var cancel = new CancellationTokenSource();
        CancelAfterBatches(explainer, cancel, 2, () => { });
        var error = Record.Exception(() => explainer.Explain(input, Options("scorecam") with { Methods = ["gradcam", "scorecam"] }, cancel.Token));
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        explainer.Probe.ChunkDone = null;

        var reused = explainer.Explain(input, Options("gradcam"));
        var fresh = _fixture.CreateExplainer().Explain(input, Options("gradcam"));

        Assert.Equal(fresh.Maps.Single().Raw, reused.Maps.Single().Raw);
    }

    [Fact]
    public void Explain_TokenAlreadyCancelled_RunsNothing()
    {
        var explainer = _fixture.CreateExplainer();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => explainer.Explain(_fixture.Input(), Options("scorecam"), cancel.Token));
        Assert.Equal(0, explainer.Probe.BatchesRun);
    }

    /// <summary>After <paramref name="batches"/> perturbation batches, cancels from another thread while the computation waits for it.</summary>
    private static void CancelAfterBatches(Explainer explainer, CancellationTokenSource cancel, int batches, Action atCancel) =>
        explainer.Probe.ChunkDone = (_, _) =>
        {
            if (explainer.Probe.BatchesRun != batches)
                return;
            atCancel();
            Task.Run(cancel.Cancel).Wait();
        };

    private ExplainOptions Options(string method) =>
        new() { Methods = [method], Layers = [_fixture.ActivationName], Targets = new TargetSelection([633], 0, false) };
}
