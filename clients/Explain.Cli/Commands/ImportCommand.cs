using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Explain.Cam.Models;
using Explain.Cli.Parsing;
using Explain.Cli.Schema;
using Explain.Cli.Terminal;

namespace Explain.Cli.Commands;

/// <summary>
/// `explain import`: drafts a model.json for an ONNX model (a classifier, or with --task a segmentation model,
/// detector or embedding model) into a model-store folder, and validates it. The model is read through the
/// execution backend (ONNX Runtime by default, `--backend managed` as `explain run`), so any model the backend
/// runs imports (<see cref="ModelJsonDraft"/>).
/// </summary>
internal static class ImportCommand
{
    public static Command Create(CliConsole console)
    {
        var onnx = new Option<FileInfo>("--onnx") { Description = "the exported ONNX model", Required = true, HelpName = "FILE.onnx" };
        var labels = new Option<FileInfo>("--labels") { Description = "class names, one a line (line i = class i); not needed with --task embedding", HelpName = "FILE.txt" };
        var outDir = new Option<string>("--out", "-o") { Description = "model-store folder to write (model.onnx, model.json, labels.txt) [default: <store>/<name>]", HelpName = "DIR" };
        var name = new Option<string>("--name") { Description = "model name [default: the .onnx file's name]", HelpName = "NAME" };
        var force = new Option<bool>("--force") { Description = "overwrite an existing model.json" };
        var task = new Option<string>("--task") { Description = "what the output means: classifier ([1, classes]), segmentation ([1, C, H, W]), detection (raw rows [1, N, columns]) or embedding [default: classifier]", HelpName = "KIND", DefaultValueFactory = _ => "classifier" };
        var scoresOutput = new Option<string>("--scores-output") { Description = "the output the task reads [default: the model's first]", HelpName = "NAME" };
        var boxColumns = new Option<int?>("--box-columns") { Description = "detection: first of a row's four box columns x1, y1, x2, y2 (input pixels)", HelpName = "N" };
        var scoreColumns = new Option<int?>("--score-columns") { Description = "detection: first per-class score column (the scores run to the row's end)", HelpName = "N" };
        var background = new Option<int?>("--background-class") { Description = "detection: the class never explained as a detection [default: 0]", HelpName = "N" };
        var backendOption = CliOptions.Backend();
        onnx.AcceptExistingOnly();
        labels.AcceptExistingOnly();
        task.AcceptOnlyFromAmong(ModelJsonDraft.Tasks);
        foreach (var column in new[] { boxColumns, scoreColumns, background })
            column.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 0) r.AddError($"{r.Option.Name}: a column index is 0 or more."); });
        var command = new Command("import", """
            Draft a model.json for your own ONNX model and make it a model-store entry; check the drafted preprocessing (docs/own-model.md).

            Examples:
              explain import --onnx resnet18.onnx --labels imagenet.txt --out models/resnet18
              explain import --onnx lraspp.onnx --labels voc.txt --task segmentation --scores-output out
              explain import --onnx ssdlite.onnx --labels coco.txt --task detection --box-columns 0 --score-columns 4
              explain import --onnx trunk.onnx --task embedding
            """) { onnx, labels, outDir, name, force, task, scoresOutput, boxColumns, scoreColumns, background, backendOption };
        command.SetAction(p =>
        {
            var onnxFile = p.GetValue(onnx)!;
            var labelsFile = p.GetValue(labels);
            string modelName = p.GetValue(name) ?? Path.GetFileNameWithoutExtension(onnxFile.Name);
            string dir = Path.GetFullPath(p.GetValue(outDir) ?? Path.Combine(ModelStore.Default().Root, modelName));
            string jsonPath = Path.Combine(dir, "model.json");
            if (File.Exists(jsonPath) && !p.GetValue(force))
                throw new UsageException($"--out: {jsonPath} exists; give --force to overwrite it.");
            var labelLines = labelsFile is null ? null : File.ReadAllLines(labelsFile.FullName).Select(l => l.Trim()).ToList();
            var choices = new ImportChoices(p.GetValue(task)!, p.GetValue(scoresOutput), p.GetValue(boxColumns), p.GetValue(scoreColumns), p.GetValue(background));
            var notes = new List<string>();
            JsonObject draft;
            var card = new ModelCard { Name = modelName, OnnxPath = onnxFile.FullName };
            using (var backend = Backend.Open(card, Backend.Options(p.GetValue(backendOption))))
                draft = ModelJsonDraft.Draft(backend, modelName, labelLines, choices, notes);
            Directory.CreateDirectory(dir);
            string target = Path.Combine(dir, "model.onnx");
            if (!string.Equals(Path.GetFullPath(onnxFile.FullName), target, StringComparison.Ordinal))
                File.Copy(onnxFile.FullName, target, overwrite: true);
            if (labelLines is not null)
                File.WriteAllLines(Path.Combine(dir, "labels.txt"), labelLines);
            File.WriteAllText(jsonPath, draft.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            ModelJsonSchema.Validate(jsonPath);
            console.Out.WriteLine($"wrote {jsonPath} (valid against docs/model.schema.json), model.onnx" + (labelLines is null ? "" : $" and labels.txt ({labelLines.Count} classes)"));
            foreach (var note in notes)
                console.Out.WriteLine("  note: " + note);
            console.Out.WriteLine(choices.Task == "embedding"
                ? $"try it: explain run --model {target} --image IMAGE --target similar:OTHER_IMAGE --method gradcam --out out/{modelName}"
                : $"try it: explain run --model {target} --image IMAGE --method gradcam --out out/{modelName}");
            return ExplainApp.Ok;
        });
        return command;
    }
}
