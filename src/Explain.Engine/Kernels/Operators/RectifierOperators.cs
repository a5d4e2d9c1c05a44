using System.Runtime.Intrinsics;

namespace Explain.Engine.Kernels.Operators;

internal readonly struct ReluOperator : IUnaryOperator
{
    public float Invoke(float x) => x > 0 ? x : 0;
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Max(x, Vector512<float>.Zero);
}

/// <summary>
/// ReLU backward from the saved OUTPUT y: g where y &gt; 0. NOTE: the gradient at exactly 0 is 0, as
/// in PyTorch. Guided (Springenberg et al. 2015) also requires g &gt; 0.
/// </summary>
internal readonly struct ReluGradientOperator(bool guided) : IBinaryOperator
{
    public float Invoke(float y, float g) => y > 0 && (!guided || g > 0) ? g : 0;

    public Vector256<float> Invoke(Vector256<float> y, Vector256<float> g)
    {
        var pass = Vector256.GreaterThan(y, Vector256<float>.Zero);
        if (guided)
            pass &= Vector256.GreaterThan(g, Vector256<float>.Zero);
        return g & pass;
    }

    public Vector512<float> Invoke(Vector512<float> y, Vector512<float> g)
    {
        var pass = Vector512.GreaterThan(y, Vector512<float>.Zero);
        if (guided)
            pass &= Vector512.GreaterThan(g, Vector512<float>.Zero);
        return g & pass;
    }
}

/// <summary>ONNX LeakyRelu: x for x ≥ 0, alpha·x otherwise (alpha default 0.01).</summary>
internal readonly struct LeakyReluOperator(float alpha) : IUnaryOperator
{
    public float Invoke(float x) => x >= 0 ? x : alpha * x;
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), x, x * alpha);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero), x, x * alpha);
}

/// <summary>From the saved input: g for x &gt; 0, alpha·g otherwise (PyTorch leaky_relu_backward uses x &gt; 0).</summary>
internal readonly struct LeakyReluGradientOperator(float alpha) : IBinaryOperator
{
    public float Invoke(float x, float g) => x > 0 ? g : alpha * g;
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), g, g * alpha);
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), g, g * alpha);
}

internal readonly struct ClipOperator(float min, float max) : IUnaryOperator
{
    public float Invoke(float x) => MathF.Min(MathF.Max(x, min), max);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Min(Vector256.Max(x, Vector256.Create(min)), Vector256.Create(max));
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Min(Vector512.Max(x, Vector512.Create(min)), Vector512.Create(max));
}

/// <summary>
/// Clip backward from the saved input: g where min &lt; x &lt; max. NOTE: strict at both bounds, as
/// PyTorch's hardtanh_backward (ReLU6 exports as Clip(0, 6)) gives 0 at x == min and x == max.
/// Guided mode additionally requires g &gt; 0 (only used when min == 0).
/// </summary>
internal readonly struct ClipGradientOperator(float min, float max, bool guided) : IBinaryOperator
{
    public float Invoke(float x, float g) => x > min && x < max && (!guided || g > 0) ? g : 0;

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g)
    {
        var pass = Vector256.GreaterThan(x, Vector256.Create(min)) & Vector256.LessThan(x, Vector256.Create(max));
        if (guided)
            pass &= Vector256.GreaterThan(g, Vector256<float>.Zero);
        return g & pass;
    }

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g)
    {
        var pass = Vector512.GreaterThan(x, Vector512.Create(min)) & Vector512.LessThan(x, Vector512.Create(max));
        if (guided)
            pass &= Vector512.GreaterThan(g, Vector512<float>.Zero);
        return g & pass;
    }
}
