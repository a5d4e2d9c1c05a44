using System.CommandLine;
using System.Diagnostics;
using Explain.Cam.Backends;
using Explain.Cam.Inputs;
using Explain.Cli.Parsing;
using Explain.Cli.Terminal;
using Explain.Engine.Tensors;

namespace Explain.Cli.Commands;

/// <summary>`explain infer`: one forward pass of an image or a tensor; every output written as DIR/&lt;output-name&gt;.npy; top-5 printed.</summary>
internal static class InferCommand
{
    public static Command Create(CliConsole console)
    {
        var model = CliOptions.Model();
        var image = CliOptions.Inputs("--image", "an image file, preprocessed as the model's model.json says", InputFiles.ImageExtensions);
        var tensor = CliOptions.Inputs("--input-npy", "a ready input tensor .npy (any shape the model takes)", [".npy"]);
        var outDir = new Option<string>("--out", "-o") { Description = "write every output as DIR/<output>.npy [default: print the top-5 only]", HelpName = "DIR" };
        var top = CliOptions.Positive("--top", "how many classes to print", 5);
        var threads = CliOptions.Threads();
        var backendOption = CliOptions.Backend();
        var device = CliOptions.Device();
        var extraInputs = CliOptions.ExtraInputs();
        var command = new Command("infer", """
            Run the model once and print its top classes (with probabilities); optionally write every output as .npy.

            Examples:
              explain infer --model mobilenet_v2 --image ../shared/data/images/both.png
              explain infer --model mobilenet_v2 --input-npy x.npy --out out/infer
              explain infer --model mobilenet_v2 --image photo.png --backend managed --threads 1
              explain infer --model vqa.onnx --image photo.png --extra-input tokens=question.npy
            """) { model, image, tensor, outDir, top, threads, backendOption, device, extraInputs };
        command.Validators.Add(r =>
        {
            int count = (CliOptions.Value(r, image)?.Count ?? 0) + (CliOptions.Value(r, tensor)?.Count ?? 0);
            if (count != 1 && !r.Errors.Any())
                r.AddError(count == 0 ? "give --image FILE or --input-npy FILE." : "infer takes one input: one --image FILE or one --input-npy FILE.");
        });
        command.SetAction(p =>
        {
            var card = p.GetValue(model)!;
            ModelChecks.ValidateCard(card);
            string? imageFile = p.GetValue(image)?.FirstOrDefault();
            var spec = imageFile is null ? null : ModelChecks.Preprocessing(card, "--image");
            var input = imageFile is null ? Npy.Read(p.GetValue(tensor)![0]) : ExplainInput.FromImage(Path.GetFileName(imageFile), File.ReadAllBytes(imageFile), spec!).Tensor;
            int threadCount = p.GetValue(threads);
            var clock = Stopwatch.StartNew();
            using var backend = Backend.Open(card, Backend.Options(p.GetValue(backendOption), p.GetValue(device), threadCount));
            double loadMs = clock.Elapsed.TotalMilliseconds;
            var extras = ExtraInputFiles.PerInput(p.GetValue(extraInputs) ?? [], 1)[0];
            Cam.Backends.ExtraInputFeeds.CheckImage(backend, () => backend.Graph, extras);
            backend.ExtraInputs = extras;
            backend.Forward(input, PassRequest.Outputs); // the first run plans buffers and compiles kernels; the timed one is the steady state
            clock.Restart();
            var result = backend.Forward(input, PassRequest.Outputs);
            double runMs = clock.Elapsed.TotalMilliseconds;
            string? dir = p.GetValue(outDir);
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
                foreach (var (name, value) in result.Outputs)
                    Npy.Write(Path.Combine(dir, OutputFiles.SafeName(name) + ".npy"), value);
            }
            string scoresName = card.ScoresOutput ?? result.Outputs.Keys.First();
            console.Out.WriteLine($"model {card.Name}: loaded in {loadMs:F0} ms, forward {runMs:F1} ms ({backend.Name}, {threadCount} threads){(dir is null ? "" : $"; outputs written to {dir}")}");
            TopK.Print(console.Out, card, result.Outputs[scoresName], p.GetValue(top));
            return ExplainApp.Ok;
        });
        return command;
    }
}
