using System.CommandLine;
using Explain.Cam.Layers;
using Explain.Cli.Parsing;
using Explain.Cli.Terminal;
using Explain.Engine.Graph;
using Explain.Engine.Tensors;

namespace Explain.Cli.Commands;

/// <summary>
/// `explain layers`: every observable tensor with its shape as the chosen backend computes it (ONNX
/// Runtime by default: any model it runs is described); token and NHWC tensors with the [C, h, w]
/// grid the reshape transform gives CAM methods; the default Grad-CAM target marked.
/// </summary>
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
        var backendOption = CliOptions.Backend();
        var device = CliOptions.Device();
        var threads = CliOptions.Threads();
        var reshape = CliOptions.Reshape();
        var command = new Command("layers", """
            List the tensors a CAM method can explain (give one to --layer), with shapes; the default target is marked.
            Token tensors [1, T, C] (ViT) and, with --reshape swin, NHWC stages show the grid CAM methods read.

            Examples:
              explain layers --model mobilenet_v2
              explain layers --model vit.onnx --reshape vit
            """) { model, shape, backendOption, device, threads, reshape };
        command.SetAction(p =>
        {
            var card = p.GetValue(model)!;
            ModelChecks.ValidateCard(card);
            using var backend = Backend.Open(card, Backend.Options(p.GetValue(backendOption), p.GetValue(device), p.GetValue(threads)));
            var dims = p.GetValue(shape);
            var shapes = dims is null or { Length: 0 } ? null : backend.InputNames.Take(1).ToDictionary(i => i, _ => dims);
            var tensors = backend.DescribeTensors(shapes);
            var transform = p.GetValue(reshape) is { } r ? ReshapeTransforms.Parse(r) : card.Reshape ?? ReshapeTransform.Auto;
            int width = Math.Min(90, tensors.Max(t => t.Name.Length));
            console.Out.WriteLine($"{"tensor".PadRight(width)}  {"shape",-20} {"op",-20} grid");
            foreach (var t in tensors)
                console.Out.WriteLine($"{t.Name.PadRight(width)}  {TensorShape.Format(t.Shape),-20} {t.Producer,-20} {Grid(t, transform)}{(t.IsDefaultTarget ? "   <- default Grad-CAM target" : "")}".TrimEnd());
            if (card.DefaultTargetLayer is { } declared && declared != tensors.FirstOrDefault(t => t.IsDefaultTarget)?.Name)
                console.Out.WriteLine($"model.json names '{declared}' as the default target layer; it takes precedence.");
            return ExplainApp.Ok;
        });
        return command;
    }

    /// <summary>The grid of a token tensor (or, under --reshape swin, an NHWC stage) when it has one; empty otherwise.</summary>
    private static string Grid(TensorInfo tensor, ReshapeTransform transform)
    {
        if (tensor.Producer == "input" || tensor.Shape.Length is not (3 or 4) || tensor.Shape[0] != 1 || tensor.Shape.Length == 4 && transform != ReshapeTransform.Swin)
            return "";
        try
        {
            return LayerGrid.For(tensor.Shape, transform, tensor.Name).Describe();
        }
        catch (ArgumentException)
        {
            return ""; // not a grid: a CAM method would say why if asked to explain it
        }
    }
}
