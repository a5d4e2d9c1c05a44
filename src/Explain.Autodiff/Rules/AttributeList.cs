using Explain.Autodiff.Onnx;

namespace Explain.Autodiff.Rules;

/// <summary>A node's attributes, built in one expression.</summary>
internal sealed class AttributeList : List<AttributeProto>;
