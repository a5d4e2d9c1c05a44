using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;
using Explain.Engine.Tests.Fixtures;

namespace Explain.Engine.Tests.Safety;

/// <summary>Issue 12 part 4: a cancelled run stops before the next operator, and the session stays usable.</summary>
public sealed class CancellationTests
{
    [Fact]
    public void Run_CancelledToken_RunsNoOperator()
    {
        var session = new Session(OnnxModel.Load(OnnxBuilder.ConvRelu()));
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.Throws<OperationCanceledException>(() => session.Run(Tensor.Zeros(1, 3, 8, 8), cancel.Token));

        Assert.Equal(0, session.OperatorsRun);
    }

    [Fact]
    public void Backward_CancelledToken_RunsNoOperatorAndSessionStaysUsable()
    {
        var session = new Session(OnnxModel.Load(OnnxBuilder.ConvRelu()), new SessionOptions { InputGradients = true });
        var input = Tensor.Zeros(1, 3, 8, 8);
        var expected = session.Run(input).Outputs["y"].Floats.ToArray();
        long afterForward = session.OperatorsRun;
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.Throws<OperationCanceledException>(() => session.Backward(new Dictionary<string, Tensor> { ["y"] = Tensor.Zeros(1, 4, 8, 8) }, cancellationToken: cancel.Token));
        long afterCancel = session.OperatorsRun;
        var again = session.Run(input).Outputs["y"].Floats;

        Assert.Equal(afterForward, afterCancel);
        Assert.Equal(expected, again);
    }
}
