using Explain.Autodiff.Compiler;

namespace Explain.Autodiff.Rules;

/// <summary>
/// Emits the backward nodes of one forward node: from the gradients of its outputs (null where an
/// output carries none), the gradient of each input (null where none is needed), all in the
/// [K, ...forward shape] layout of <see cref="RuleContext"/>.
/// </summary>
internal delegate string?[] GradientRule(RuleContext context, string?[] outputGradients);
