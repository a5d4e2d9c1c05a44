using Explain.Autodiff.Onnx;
using Explain.Engine.Errors;
using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Google.Protobuf;

namespace Explain.Autodiff.Compiler;

/// <summary>
/// Static shapes of every tensor computed at run time, from the managed engine's planner
/// (Session.DescribeTensors, with optimizations off so no tensor is fused away). The planner runs
/// the graph once on zeros of the declared input shapes (a symbolic batch becomes 1) and folds
/// every constant subgraph, so tensors missing from the result are constants.
/// </summary>
internal static class StaticShapes
{
    public static Dictionary<string, int[]> Plan(ModelProto model)
    {
        try
        {
            var engineModel = OnnxModel.Load(model.ToByteArray());
            var session = new Session(engineModel, new SessionOptions { Optimize = false });
            return session.DescribeTensors().ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal);
        }
        catch (EngineException e)
        {
            throw new ArgumentException($"cannot plan the model's static shapes (the managed engine's planner does this): {e.Message}", e);
        }
    }
}
