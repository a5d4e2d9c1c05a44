using System.CommandLine;
using Explain.Cli.Parsing;
using Explain.Cli.Terminal;
using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;

namespace Explain.Cli.Commands;

/// <summary>`explain layers`: every observable tensor with its shape; the default Grad-CAM target marked.</summary>
internal static class LayersCommand
{
    public static Command Create(CliConsole console)
    {
        var model = CliOptions.Model();
        var shape = new Option<int[]>("--input-shape")
        {
            Description = "input shape when the graph leaves it open [default: the graph's]",
            HelpName = "1,3,224,224",
            CustomParser = r =>
            {
                string text = r.Tokens[^1].Value;
                var dims = text.Split(',', 'x').Select(d => int.TryParse(d, out int n) && n > 0 ? n : 0).ToArray();
                if (dims.Any(d => d == 0))
                    r.AddError($"--input-shape: '{text}' is not like 1,3,224,224.");
                return dims;
            },
        };
        var command = new Command("layers", """
            List the tensors a CAM method can explain (give one to --layer), with shapes; the default target is marked.

            Example:
              explain layers --model mobilenet_v2
            """) { model, shape };
        command.SetAction(p =>
        {
            var card = p.GetValue(model)!;
            ModelChecks.ValidateCard(card);
            var onnx = OnnxModel.Load(card.OnnxPath);
            var dims = p.GetValue(shape);
            var shapes = dims is null ? null : onnx.Inputs.Take(1).ToDictionary(i => i.Name, _ => dims);
            var session = new Session(onnx, new SessionOptions { InputShapes = shapes, Optimize = false });
            var tensors = session.DescribeTensors();
            int width = Math.Min(90, tensors.Max(t => t.Name.Length));
            console.Out.WriteLine($"{"tensor".PadRight(width)}  {"shape",-20} op");
            foreach (var t in tensors)
                console.Out.WriteLine($"{t.Name.PadRight(width)}  {TensorShape.Format(t.Shape),-20} {t.Producer}{(t.IsDefaultTarget ? "   <- default Grad-CAM target" : "")}");
            if (card.DefaultTargetLayer is { } declared && declared != tensors.FirstOrDefault(t => t.IsDefaultTarget)?.Name)
                console.Out.WriteLine($"model.json names '{declared}' as the default target layer; it takes precedence.");
            return ExplainApp.Ok;
        });
        return command;
    }
}
