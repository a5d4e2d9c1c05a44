using Explain.Engine.Kernels;
using Explain.Engine.Kernels.Operators;
using Explain.Engine.Ops;

namespace Explain.Engine.Onnx;

public static partial class OnnxOps
{
    private static void RegisterElementwise(Dictionary<string, Builder> registry)
    {
        registry["Relu"] = (a, opset) => new ReluOp();
        registry["LeakyRelu"] = (a, opset) =>
            Unary(new LeakyReluOperator(a.Float("alpha", 0.01f)), new LeakyReluGradientOperator(a.Float("alpha", 0.01f)), UnarySaved.Input);
        // Clip: min/max attributes before opset 11, optional inputs from 11 on.
        registry["Clip"] = (a, opset) => opset < 11
            ? new ClipOp(a.Float("min", float.MinValue), a.Float("max", float.MaxValue))
            : new ClipOp();
        registry["Sigmoid"] = (a, opset) => Unary(new SigmoidOperator(), new SigmoidGradientOperator(), UnarySaved.Output);
        registry["HardSigmoid"] = (a, opset) =>
        {
            float alpha = a.Float("alpha", 0.2f), beta = a.Float("beta", 0.5f);
            return Unary(new HardSigmoidOperator(alpha, beta), new HardSigmoidGradientOperator(alpha, beta), UnarySaved.Input);
        };
        registry["HardSwish"] = (a, opset) => Unary(new HardSwishOperator(), new HardSwishGradientOperator(), UnarySaved.Input);
        registry["Tanh"] = (a, opset) => Unary(new TanhOperator(), new TanhGradientOperator(), UnarySaved.Output);
        registry["Erf"] = (a, opset) => Unary(new ErfOperator(), new ErfGradientOperator(), UnarySaved.Input);
        registry["Exp"] = (a, opset) => Unary(new ExpOperator(), new ExpGradientOperator(), UnarySaved.Output);
        registry["Log"] = (a, opset) => Unary(new LogOperator(), new LogGradientOperator(), UnarySaved.Input);
        registry["Sqrt"] = (a, opset) => Unary(new SqrtOperator(), new SqrtGradientOperator(), UnarySaved.Output);
        registry["Reciprocal"] = (a, opset) => Unary(new ReciprocalOperator(), new ReciprocalGradientOperator(), UnarySaved.Output);
        registry["Neg"] = (a, opset) => Unary(new NegateOperator(), new NegateGradientOperator(), UnarySaved.None);
        registry["Abs"] = (a, opset) => Unary(new AbsOperator(), new AbsGradientOperator(), UnarySaved.Input);
        registry["Softplus"] = (a, opset) => Unary(new SoftplusOperator(), new SoftplusGradientOperator(), UnarySaved.Input);
        registry["Elu"] = (a, opset) =>
            Unary(new EluOperator(a.Float("alpha", 1f)), new EluGradientOperator(a.Float("alpha", 1f)), UnarySaved.Input);
        registry["Gelu"] = (a, opset) => a.String("approximate", "none") switch
        {
            "none" => Unary(new GeluOperator(false), new GeluGradientOperator(false), UnarySaved.Input),
            "tanh" => Unary(new GeluOperator(true), new GeluGradientOperator(true), UnarySaved.Input),
            var other => throw new Errors.UnsupportedFeatureException($"Gelu approximate='{other}'"),
        };
        registry["Floor"] = (a, opset) => Unary(new FloorOperator(), new ZeroGradientOperator(), UnarySaved.None);
        registry["Ceil"] = (a, opset) => Unary(new CeilOperator(), new ZeroGradientOperator(), UnarySaved.None);

        registry["Add"] = (a, opset) => new AddOp();
        registry["Sub"] = (a, opset) => new SubOp();
        registry["Mul"] = (a, opset) => new MulOp();
        registry["Div"] = (a, opset) => new DivOp();
        registry["Pow"] = (a, opset) => new PowOp();
        registry["Max"] = (a, opset) => new ExtremumOp(max: true);
        registry["Min"] = (a, opset) => new ExtremumOp(max: false);
    }

    private static UnaryOp<TForward, TGradient> Unary<TForward, TGradient>(TForward forward, TGradient gradient, UnarySaved saves)
        where TForward : struct, IUnaryOperator
        where TGradient : struct, IBinaryOperator => new(forward, gradient, saves);
}
