using Explain.Engine.Onnx.Proto;

namespace Explain.Autodiff.Rules;

/// <summary>A node's attributes, built in one expression.</summary>
internal sealed class AttributeList : List<AttributeProto>;
