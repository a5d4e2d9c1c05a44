using System.Text.Json;
using Explain.Cli.Schema;
using Explain.Cli.Tests.Support;
using Explain.Testing;

namespace Explain.Cli.Tests;

/// <summary>
/// `explain import` through the execution backend (issue 11/14): a model the managed engine cannot load
/// imports through ONNX Runtime, and each --task drafts a model.json that validates against the schema.
/// (The resnet8 classifier import that then runs is <see cref="CommandTests.Import_DraftsAValidModelJson_ThatRuns"/>.)
/// </summary>
public sealed class ImportTests
{
    private static string Write(TempDirectory temp, byte[] onnx, int labels)
    {
        File.WriteAllBytes(temp.File("model.onnx"), onnx);
        if (labels > 0)
            File.WriteAllLines(temp.File("labels.txt"), Enumerable.Range(0, labels).Select(i => $"class {i}"));
        return temp.File("model.onnx");
    }

    [Fact]
    public void Import_AnOperatorTheManagedEngineLacks_ImportsThroughOnnxRuntime()
    {
        using var temp = new TempDirectory("cli-import-ort");
        string onnx = Write(temp, TinyOnnx.TwoHeads(softsign: true), 5);
        string dir = temp.File("softsign");

        var result = ExplainCli.Run("import", "--onnx", onnx, "--labels", temp.File("labels.txt"), "--out", dir);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(ModelJsonSchema.Check(File.ReadAllText(Path.Combine(dir, "model.json")), dir));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "model.json")));
        Assert.Equal("logits", doc.RootElement.GetProperty("outputs").GetProperty("scores").GetString());
        Assert.Equal("feat", doc.RootElement.GetProperty("default_target_layer").GetString());
        Assert.Equal((16, 16), (doc.RootElement.GetProperty("input").GetProperty("height").GetInt32(), doc.RootElement.GetProperty("input").GetProperty("width").GetInt32()));

        var managed = ExplainCli.Run("import", "--onnx", onnx, "--labels", temp.File("labels.txt"), "--out", temp.File("managed"), "--backend", "managed");
        Assert.NotEqual(0, managed.ExitCode);
        Assert.Contains("Softsign", managed.Stderr);
    }

    [Theory]
    [InlineData("classifier", "two-heads", "logits", 5)]
    [InlineData("embedding", "two-heads", "embedding", 0)]
    [InlineData("segmentation", "segmenter", "seg", 3)]
    [InlineData("detection", "detector", "det", 3)]
    public void Import_EachTask_DraftsAValidTaskBlock(string task, string model, string output, int labels)
    {
        using var temp = new TempDirectory("cli-import-task");
        string onnx = Write(temp, model switch { "segmenter" => TinyOnnx.Segmenter(), "detector" => TinyOnnx.Detector(), _ => TinyOnnx.TwoHeads() }, labels);
        string dir = temp.File("model");
        List<string> args = ["import", "--onnx", onnx, "--task", task, "--scores-output", output, "--out", dir];
        if (labels > 0)
            args.AddRange(["--labels", temp.File("labels.txt")]);
        if (task == "detection")
            args.AddRange(["--box-columns", "0", "--score-columns", "4"]);

        var result = ExplainCli.Run([.. args]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(ModelJsonSchema.Check(File.ReadAllText(Path.Combine(dir, "model.json")), dir));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "model.json")));
        var block = doc.RootElement.GetProperty("task");
        Assert.Equal((task, output), (block.GetProperty("kind").GetString(), block.GetProperty("output").GetString()));
        Assert.Equal(output, doc.RootElement.GetProperty("outputs").GetProperty("scores").GetString());
        Assert.Equal(labels > 0, doc.RootElement.TryGetProperty("labels", out _));
        Assert.Equal(labels > 0, File.Exists(Path.Combine(dir, "labels.txt")));
        if (task == "detection")
            Assert.Equal((0, 4, 0), (block.GetProperty("box_columns").GetInt32(), block.GetProperty("score_columns").GetInt32(), block.GetProperty("background_class").GetInt32()));
    }

    [Theory]
    [InlineData("detector", new[] { "--task", "detection", "--labels", "L" }, "give --box-columns and --score-columns")]
    [InlineData("detector", new[] { "--task", "detection", "--labels", "L", "--box-columns", "2", "--score-columns", "4" }, "come before the scores")]
    [InlineData("segmenter", new[] { "--labels", "L" }, "give --task")]
    [InlineData("two-heads", new[] { "--labels", "L", "--scores-output", "nope" }, "no output 'nope'; its outputs: logits [1, 5], embedding [1, 4]")]
    [InlineData("two-heads", new[] { "--task", "segmentation", "--labels", "L" }, "not [1, C, H, W]")]
    [InlineData("two-heads", new string[0], "--labels: give the class names")]
    public void Import_WhatDoesNotFit_IsRefusedSayingWhy(string model, string[] extra, string message)
    {
        using var temp = new TempDirectory("cli-import-refused");
        string onnx = Write(temp, model switch { "segmenter" => TinyOnnx.Segmenter(), "detector" => TinyOnnx.Detector(), _ => TinyOnnx.TwoHeads() }, 3);

        var result = ExplainCli.Run(["import", "--onnx", onnx, "--out", temp.File("out"), .. extra.Select(a => a == "L" ? temp.File("labels.txt") : a)]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr);
        Assert.False(File.Exists(temp.File("out/model.json")));
    }
}
