using Explain.Backends;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Engine.Tensors;

namespace Explain.Cli.Commands;

/// <summary>`explain layers`: every observable tensor with its shape; the default Grad-CAM target marked.</summary>
public static class LayersCommand
{
    public static int Run(string[] argv)
    {
        var args = new Arguments(argv, new HashSet<string>());
        var card = ModelStore.Default().Resolve(args.Required("model"));
        string? shapeText = args.Optional("input-shape");
        var options = BackendOptions.Parse(args.Optional("backend"), args.Optional("device"), args.Int("threads", 0));
        args.RejectUnknown();

        using var backend = ExecutionBackends.Open(options, card);
        var shapes = shapeText is null ? null : backend.InputNames.Take(1).ToDictionary(i => i, _ => ParseShape(shapeText));
        var tensors = backend.DescribeTensors(shapes);
        int width = Math.Min(90, tensors.Max(t => t.Name.Length));
        Console.WriteLine($"{"tensor".PadRight(width)}  {"shape",-20} op");
        foreach (var t in tensors)
            Console.WriteLine($"{t.Name.PadRight(width)}  {TensorShape.Format(t.Shape),-20} {t.Producer}{(t.IsDefaultTarget ? "   <- default Grad-CAM target" : "")}");
        if (card.DefaultTargetLayer is { } declared && declared != tensors.FirstOrDefault(t => t.IsDefaultTarget)?.Name)
            Console.WriteLine($"model.json names '{declared}' as the default target layer; it takes precedence.");
        return 0;
    }

    private static int[] ParseShape(string text) =>
        text.Split(',', 'x').Select(p => int.TryParse(p, out int d) && d > 0 ? d : throw new UsageException($"--input-shape: '{text}' is not like 1,3,224,224")).ToArray();
}
