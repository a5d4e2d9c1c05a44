using System.Text.Json;
using Explain.Cli.Schema;
using Explain.Cli.Tests.Support;

namespace Explain.Cli.Tests;

/// <summary>Completion, `explain models`, `explain import`, model.json validation, folders for run, infer on images, progress lines.</summary>
public sealed class CommandTests
{
    [Fact]
    public void Completion_Bash_ScriptCompletesMethodsThroughTheRealProgram()
    {
        using var temp = new TempDirectory("cli-completion");
        File.WriteAllText(temp.File("explain"), $"#!/bin/sh\nexec dotnet '{ExplainCli.Dll}' \"$@\"\n");
        ExplainCli.Shell($"chmod +x '{temp.File("explain")}'");
        var script = ExplainCli.Run("completion", "bash");
        Assert.Equal(0, script.ExitCode);
        File.WriteAllText(temp.File("completion.bash"), script.Stdout);

        var result = ExplainCli.Shell($$"""
            export PATH='{{temp.Path}}':"$PATH"
            source '{{temp.File("completion.bash")}}'
            COMP_LINE='explain run --method gradcam'; COMP_POINT=${#COMP_LINE}
            COMP_WORDS=(explain run --method gradcam); COMP_CWORD=3
            _explain_complete
            printf '%s\n' "${COMPREPLY[@]}"
            """, new Dictionary<string, string> { ["EXPLAIN_MODEL_STORE"] = RepoPaths.ModelStore });

        Assert.True(result.ExitCode == 0, result.ToString());
        var words = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToList();
        Assert.Equal(["gradcam", "gradcam++", "gradcam-elementwise"], words);
    }

    [Fact]
    public void Completion_Zsh_DefinesACompdef()
    {
        var result = ExplainCli.Run("completion", "zsh");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("compdef _explain_complete explain", result.Stdout);
        Assert.Contains("[suggest:${CURSOR}]", result.Stdout);
    }

    [Theory]
    [InlineData("explain run --colormap ", "jet", "turbo")]
    [InlineData("explain run --model ", "mobilenet_v2", "resnet8_cifar10")]
    [InlineData("explain ", "run", "models")]
    [InlineData("explain run --mo", "--model", null)]
    public void SuggestDirective_OffersValuesFromTheParser(string line, string expected, string? also)
    {
        var result = ExplainCli.Run($"[suggest:{line.Length}]", line);

        Assert.Equal(0, result.ExitCode);
        var words = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(expected, words);
        if (also is not null)
            Assert.Contains(also, words);
    }

    [Fact]
    public void Models_ListsTheStoreWithInputClassesLayerBackend()
    {
        var result = ExplainCli.Run("models");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("mobilenet_v2 ", StringComparison.Ordinal) && l.Contains(" 224x224 ") && l.Contains(" 1000 ") && l.Contains("MobilenetV2/Conv_1/Relu6") && l.Contains("ort") && l.Contains("cpu") && l.EndsWith("valid", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("resnet8_cifar10 ", StringComparison.Ordinal) && l.Contains(" 32x32 ") && l.Contains(" 10 "));
        Assert.Equal(4 + 2, lines.Count(l => l.Length > 0));
    }

    [Fact]
    public void Models_Json_IsMachineReadable()
    {
        var result = ExplainCli.Run("models", "--json");

        using var doc = JsonDocument.Parse(result.Stdout);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(["mobilenet_v1_0.25_128", "mobilenet_v1_0.5_160", "mobilenet_v2", "resnet8_cifar10"], rows.Select(r => r.GetProperty("name").GetString()));
        Assert.All(rows, r => Assert.Equal("ort", r.GetProperty("backend").GetString())); // the default backend (EXPLAIN_BACKEND unset)
        Assert.Equal(10, rows[3].GetProperty("classes").GetInt32());
    }

    [Fact]
    public void Import_DraftsAValidModelJson_ThatRuns()
    {
        using var temp = new TempDirectory("cli-import");
        string store = Path.Combine(RepoPaths.ModelStore, "resnet8_cifar10");
        string dir = temp.File("resnet8");

        var result = ExplainCli.Run("import", "--onnx", Path.Combine(store, "model.onnx"), "--labels", Path.Combine(store, "labels.txt"), "--out", dir);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(ModelJsonSchema.Check(File.ReadAllText(Path.Combine(dir, "model.json")), dir));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "model.json")));
        var root = doc.RootElement;
        Assert.Equal(32, root.GetProperty("input").GetProperty("height").GetInt32());
        Assert.Equal(32, root.GetProperty("input").GetProperty("width").GetInt32());
        Assert.Equal("model/activation_6/Relu", root.GetProperty("default_target_layer").GetString()); // the engine's choice matches the hand-written card
        Assert.Equal("logits", root.GetProperty("outputs").GetProperty("scores").GetString());
        Assert.Equal([0.485, 0.456, 0.406], root.GetProperty("preprocess").GetProperty("mean").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Contains("mean [0.485, 0.456, 0.406]", result.Stdout); // the default is stated
        var run = ExplainCli.Run("run", "--model", Path.Combine(dir, "model.onnx"), "--image", RepoPaths.Image("both.png"), "--out", temp.File("out"));
        Assert.True(run.ExitCode == 0, run.ToString());

        var again = ExplainCli.Run("import", "--onnx", Path.Combine(store, "model.onnx"), "--labels", Path.Combine(store, "labels.txt"), "--out", dir);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists; give --force to overwrite it.", again.Stderr);
    }

    [Fact]
    public void Schema_StoreModels_AreValid()
    {
        foreach (var dir in Directory.GetDirectories(RepoPaths.ModelStore).Where(d => File.Exists(Path.Combine(d, "model.json"))))
            Assert.Empty(ModelJsonSchema.Check(File.ReadAllText(Path.Combine(dir, "model.json")), dir));
    }

    [Theory]
    [InlineData("\"height\": 224", "\"height\": \"224\"", "/input/height:")]
    [InlineData("\"labels\": \"labels.txt\"", "\"labelz\": \"labels.txt\"", "/labelz: unknown field 'labelz'. Did you mean 'labels'?")]
    [InlineData("\"std\": [0.5019607843137255, 0.5019607843137255, 0.5019607843137255]", "\"std\": [0.5, 0, 0.5]", "/preprocess/std/1:")]
    [InlineData("\"labels\": \"labels.txt\"", "\"labels\": \"names.txt\"", "/labels: file 'names.txt' not found")]
    [InlineData("\"center_crop\": [224, 224]", "\"center_crop\": [200, 224]", "/preprocess/center_crop:")]
    public void Schema_BrokenModelJson_RunFailsNamingTheField(string from, string to, string expected)
    {
        using var temp = new TempDirectory("cli-schema");
        string source = Path.Combine(RepoPaths.ModelStore, "mobilenet_v2");
        string json = File.ReadAllText(Path.Combine(source, "model.json"));
        Assert.Contains(from, json);
        File.WriteAllText(temp.File("model.json"), json.Replace(from, to, StringComparison.Ordinal));
        // A copy, not a link: the model store refuses files that resolve outside the model's folder.
        File.Copy(Path.Combine(source, "model.onnx"), temp.File("model.onnx"));
        File.Copy(Path.Combine(source, "labels.txt"), temp.File("labels.txt"));

        var result = ExplainCli.Run("run", "--model", temp.File("model.onnx"), "--image", RepoPaths.Image("both.png"), "--out", temp.File("out"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"model.json does not match docs/model.schema.json:", result.Stderr);
        Assert.Contains(expected, result.Stderr);
        Assert.False(Directory.Exists(temp.File("out")));
    }

    [Fact]
    public void Run_FolderAndFiles_WritesOneFolderEachAndAnIndexPage()
    {
        using var temp = new TempDirectory("cli-folder");
        string images = temp.File("images");
        Directory.CreateDirectory(images);
        File.Copy(RepoPaths.Image("both.png"), Path.Combine(images, "both.png"));
        File.Copy(RepoPaths.Image("dog_cat.jfif"), Path.Combine(images, "dog_cat.jfif"));

        var result = ExplainCli.Run("run", "--model", "resnet8_cifar10", "--image", images, RepoPaths.Image("horses.jpg"), "--method", "gradcam", "--out", temp.File("out"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["both", "dog_cat", "horses"], Directory.GetDirectories(temp.File("out")).Select(Path.GetFileName).Order());
        string index = File.ReadAllText(temp.File("out/index.html"));
        foreach (var stem in new[] { "both", "dog_cat", "horses" })
        {
            Assert.True(File.Exists(temp.File($"out/{stem}/index.html")));
            Assert.Contains($"href=\"{stem}/index.html\"", index);
        }
        Assert.Contains("3 inputs explained by resnet8_cifar10", index);
    }

    /// <summary>
    /// `--batch 3 --image-targets` (issue 14 part 3): the three pictures in one forward and one backward pass, each for its
    /// own targets, write exactly the maps each writes explained alone with those targets.
    /// </summary>
    [Fact]
    public void Run_BatchWithATargetListPerImage_WritesWhatEachImageAloneWrites()
    {
        using var temp = new TempDirectory("cli-batch");
        string[] pictures = ["both.png", "dog_cat.jfif", "horses.jpg"];
        string[] targets = ["logit:3", "softmax:7;rest:7", "logit:1"];

        var batch = ExplainCli.Run(["run", "--model", "resnet8_cifar10", "--image", .. pictures.Select(RepoPaths.Image), "--method", "gradcam,gradcam++",
            "--batch", "3", .. targets.SelectMany(t => new[] { "--image-targets", t }), "--out", temp.File("batch")]);

        Assert.True(batch.ExitCode == 0, batch.ToString());
        Assert.Equal(3, batch.Stdout.Split('\n').Count(l => l.Contains("in a batch of 3")));
        for (int i = 0; i < pictures.Length; i++)
        {
            string stem = Path.GetFileNameWithoutExtension(pictures[i]);
            var alone = ExplainCli.Run(["run", "--model", "resnet8_cifar10", "--image", RepoPaths.Image(pictures[i]), "--method", "gradcam,gradcam++",
                .. targets[i].Split(';').SelectMany(t => new[] { "--target", t }), "--out", temp.File(stem)]);
            Assert.True(alone.ExitCode == 0, alone.ToString());
            var maps = Directory.GetFiles(temp.File(stem), "*.npy").Select(Path.GetFileName).Order().ToList();
            Assert.Equal(maps, Directory.GetFiles(temp.File($"batch/{stem}"), "*.npy").Select(Path.GetFileName).Order().ToList());
            Assert.Equal(targets[i].Split(';').Length * 2 * 2, maps.Count); // methods × targets × (map, raw)
            foreach (var map in maps)
                Assert.True(File.ReadAllBytes(temp.File($"{stem}/{map}")).SequenceEqual(File.ReadAllBytes(temp.File($"batch/{stem}/{map}"))), $"{stem}/{map} differs in the batch");
        }
    }

    [Theory]
    [InlineData("--image-targets: 2 target lists for 3 inputs", "--batch", "3", "--image-targets", "logit:3", "--image-targets", "logit:4")]
    [InlineData("--image-targets gives every input its own targets", "--image-targets", "logit:3", "--image-targets", "logit:4", "--image-targets", "logit:5", "--class", "3")]
    [InlineData("--batch: at most 64 inputs", "--batch", "65")]
    public void Run_BatchOptionsThatDoNotFit_AreUsageErrors(string message, params string[] options)
    {
        using var temp = new TempDirectory("cli-batch-bad");
        string[] pictures = ["both.png", "dog_cat.jfif", "horses.jpg"];

        var result = ExplainCli.Run(["run", "--model", "resnet8_cifar10", "--image", .. pictures.Select(RepoPaths.Image), "--method", "gradcam", .. options, "--out", temp.File("out")]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Stderr);
        Assert.False(Directory.Exists(temp.File("out")) && Directory.EnumerateFileSystemEntries(temp.File("out")).Any());
    }

    [Fact]
    public void Infer_Image_PrintsTopClassesAndWritesOutputs()
    {
        using var temp = new TempDirectory("cli-infer");

        var result = ExplainCli.Run("infer", "--model", "mobilenet_v2", "--image", RepoPaths.Image("both.png"), "--out", temp.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        var first = result.Stdout.Split('\n').First(l => l.Contains('%'));
        Assert.Contains("243", first);
        Assert.Contains("bull mastiff", first);
        Assert.True(File.Exists(temp.File("logits.npy")));
    }

    [Fact]
    public void Run_ScoreCam_ReportsProgressLinesWhenNotATerminal()
    {
        using var temp = new TempDirectory("cli-progress");

        var result = ExplainCli.Run("run", "--model", "resnet8_cifar10", "--image", RepoPaths.Image("both.png"), "--method", "scorecam", "--out", temp.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("  loading resnet8_cifar10 done in ", result.Stderr);
        Assert.Contains("  scorecam done in ", result.Stderr);
    }

    [Fact]
    public void Run_CamVariantsWithTheirOptions_WritesEveryMap()
    {
        using var temp = new TempDirectory("cli-camvariants");

        var result = ExplainCli.Run("run", "--model", "resnet8_cifar10", "--image", RepoPaths.Image("both.png"), "--method", "finercam,kpcacam,fem,segeigencam,refinecam",
            "--finercam-alpha", "0.5", "--finercam-comparisons", "2", "--kpca-kernel", "rbf", "--kpca-gamma", "0.01", "--fem-k", "1.5", "--out", temp.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var method in new[] { "finercam", "kpcacam", "fem", "segeigencam", "refinecam" })
            Assert.True(Directory.EnumerateFiles(temp.Path, $"{method}-c*.npy").Any(), $"no {method} map in {temp.Path}: {result}");
    }
}
