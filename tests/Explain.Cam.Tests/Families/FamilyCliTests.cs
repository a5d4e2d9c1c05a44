using System.Text.Json;
using Explain.Cam.Tests.Support;
using Explain.Engine.Tensors;
using Explain.Testing;
using static Explain.Cam.Tests.Support.FamilyFixture;

namespace Explain.Cam.Tests.Families;

/// <summary>
/// `explain run` on the family models (issue 14 part 4), as users run it: segment:, box: and similar:
/// targets write their maps, result.json's target_region and the mask / boxes, and the raw maps are the
/// PyTorch references' (the same bound as FamilyParityTests: the CLI must not change what the library computes).
/// </summary>
public sealed class FamilyCliTests
{
    private const double Bound = 1e-3;

    [Fact]
    public void Run_SegmentForms_WriteTheMasksAndMatchPyTorch()
    {
        var f = Require(Segmenter);
        using var temp = new TempDirectory("explain-family-seg");
        string dir = temp.File("out");
        string[] targets = f.Specs.SelectMany(s => new[] { "--target", s.Replace("mask=mask.png", "mask=" + f.File("mask.png"), StringComparison.Ordinal) }).ToArray();

        var result = ExplainCli.Run(["run", "--model", f.File("model.onnx"), "--input-npy", f.File("input.npy"), "--method", "gradcam", .. targets, "--out", dir]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        var maps = doc.RootElement.GetProperty("maps").EnumerateArray().ToList();
        Assert.Equal(f.Targets, maps.Select(m => m.GetProperty("target").GetString()));
        int[] expected = [f.Meta.GetProperty("predicted_pixels").GetInt32(), f.Meta.GetProperty("second_pixels").GetInt32(), 64 * 72, f.Meta.GetProperty("mask_pixels").GetInt32()];
        for (int t = 0; t < maps.Count; t++)
        {
            var region = maps[t].GetProperty("target_region");
            Assert.Equal(("mask", expected[t]), (region.GetProperty("kind").GetString(), region.GetProperty("pixels").GetInt32()));
            var mask = Imaging.ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(dir, region.GetProperty("mask").GetString()!)));
            Assert.Equal(expected[t], Enumerable.Range(0, mask.Width * mask.Height).Count(q => mask.Pixels[3 * q] == 255));
            AssertRawMatches(f, dir, f.Targets[t]);
        }
        Assert.Contains($"summed over {expected[0]} pixels", File.ReadAllText(Path.Combine(dir, "index.html")));
    }

    [Fact]
    public void Run_BoxTargets_ResultJsonCarriesTheMatchedRowsAndMapsMatchPyTorch()
    {
        var f = Require(Detector);
        using var temp = new TempDirectory("explain-family-det");
        string dir = temp.File("out");

        var result = ExplainCli.Run("run", "--model", f.File("model.onnx"), "--input-npy", f.File("input.npy"), "--method", "gradcam",
            "--target", f.Specs[0], "--target", f.Specs[3], "--out", dir);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        var maps = doc.RootElement.GetProperty("maps").EnumerateArray().ToList();
        Assert.Equal([f.Targets[0], f.Targets[3]], maps.Select(m => m.GetProperty("target").GetString()));
        var matches = f.Meta.GetProperty("matches").EnumerateArray().ToList();
        var first = Assert.Single(maps[0].GetProperty("target_region").GetProperty("boxes").EnumerateArray());
        Assert.Equal(matches[0].GetProperty("row").GetInt32(), first.GetProperty("detection").GetProperty("row").GetInt32());
        Assert.Equal(matches[0].GetProperty("iou").GetDouble(), first.GetProperty("detection").GetProperty("iou").GetDouble(), 5);
        var pair = maps[1].GetProperty("target_region").GetProperty("boxes").EnumerateArray().ToList();
        Assert.Equal(matches[2].GetProperty("row").GetInt32(), pair[0].GetProperty("detection").GetProperty("row").GetInt32());
        Assert.Equal(JsonValueKind.Null, pair[1].GetProperty("detection").ValueKind);
        Assert.Equal(f.Meta.GetProperty("wrong_label").GetInt32(), pair[1].GetProperty("reference").GetProperty("label").GetInt32());
        AssertRawMatches(f, dir, f.Targets[0]);
        AssertRawMatches(f, dir, f.Targets[3]);
    }

    /// <summary>GAM's pair on the embedding trunk from two photos: a map on each, the reference picture written beside them.</summary>
    [Fact]
    public void Run_SimilarImage_OnTheEmbeddingTrunk_WritesThePair()
    {
        var f = Require(Embedder);
        using var temp = new TempDirectory("explain-family-pair");
        string dir = temp.File("out");

        var result = ExplainCli.Run("run", "--model", f.File("model.onnx"), "--image", Path.Combine(RepoPaths.Images, "both.png"), "--method", "gradcam",
            "--target", "similar:" + RepoPaths.Require(Path.Combine(RepoPaths.Images, "horses.jpg")), "--out", dir);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        var maps = doc.RootElement.GetProperty("maps").EnumerateArray().ToList();
        Assert.Equal(["similarity-image", "similarity-image@reference"], maps.Select(m => m.GetProperty("target").GetString()));
        Assert.Equal(["image", "request_image"], maps.Select(m => m.GetProperty("target_region").GetProperty("reference").GetString()));
        Assert.Equal([4, 4], Npy.Read(Path.Combine(dir, "gradcam-similarity-image@reference.raw.npy")).Shape);
        Assert.True(File.Exists(Path.Combine(dir, "reference.png")));
        Assert.Single(doc.RootElement.GetProperty("pairs").EnumerateArray());
    }

    [Fact]
    public void Run_SegmenterOnManagedBackend_FailsNamingResize()
    {
        var f = Require(Segmenter);
        using var temp = new TempDirectory("explain-family-managed");

        var result = ExplainCli.Run("run", "--backend", "managed", "--model", f.File("model.onnx"), "--input-npy", f.File("input.npy"), "--method", "gradcam",
            "--target", f.Specs[0], "--out", temp.File("out"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unsupported operators: Resize (opset 17)", result.ToString());
    }

    /// <summary>A mask picture must be the output's H × W: the message says both sizes.</summary>
    [Fact]
    public void Run_SegmentMaskOfTheWrongSize_FailsNamingBothSizes()
    {
        var f = Require(Segmenter);
        using var temp = new TempDirectory("explain-family-mask");
        File.WriteAllBytes(temp.File("small.png"), Imaging.Png.PngEncoder.Encode(new Imaging.RgbImage(64, 48, Enumerable.Repeat((byte)255, 64 * 48 * 3).ToArray())));

        var result = ExplainCli.Run("run", "--model", f.File("model.onnx"), "--input-npy", f.File("input.npy"), "--method", "gradcam",
            "--target", $"segment:13:mask={temp.File("small.png")}", "--out", temp.File("out"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("the mask is 64x48; the output 'out' is 128x128", result.ToString());
    }

    /// <summary>A two-input model (issue 14 part 2): `--extra-input tokens=FILE.npy`, once for every input or once per input of a batch; each input's maps are its question's PyTorch references.</summary>
    [Fact]
    public void Run_TwoInputModel_ExtraInputPerInputOfABatch_MatchesEachQuestionsReference()
    {
        var f = Require(TwoInput);
        using var temp = new TempDirectory("explain-family-vqa");
        string second = temp.File("second.npy");
        File.Copy(f.File("input.npy"), second);
        string dir = temp.File("out"), alone = temp.File("alone");

        var result = ExplainCli.Run("run", "--model", f.File("model.onnx"), "--input-npy", f.File("input.npy"), second, "--method", "gradcam",
            "--target", "output:answers:3", "--batch", "2", "--extra-input", "tokens=" + f.File("tokens0.npy"), "--extra-input", "tokens=" + f.File("tokens1.npy"), "--out", dir);
        var single = ExplainCli.Run("run", "--model", f.File("model.onnx"), "--input-npy", second, "--method", "gradcam",
            "--target", "output:answers:3", "--extra-input", "tokens=" + f.File("tokens1.npy"), "--out", alone);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(single.ExitCode == 0, single.ToString());
        string[] folders = [Path.Combine(dir, "input"), Path.Combine(dir, "second")];
        for (int q = 0; q < 2; q++)
        {
            var raw = Npy.Read(Assert.Single(Directory.GetFiles(folders[q], "gradcam-*.raw.npy")));
            double error = MapError.RelativeL2(raw.Floats, f.Reference("gradcam", $"q{q}-out"));
            Assert.True(error < Bound, $"input {q}: raw relative L2 {error:G3} through the CLI");
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folders[q], "result.json")));
            Assert.Equal("tokens", Assert.Single(doc.RootElement.GetProperty("extra_inputs").EnumerateArray().ToList()).GetProperty("name").GetString());
        }
        var batched = Directory.GetFiles(folders[1], "*.npy").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(Directory.GetFiles(alone, "*.npy").Select(Path.GetFileName).Order(), batched);
        // The batch's gradients come from one batch-2 ONNX Runtime run, alone from a batch-1 run: equal to float32 rounding.
        foreach (var file in batched)
        {
            double error = MapError.RelativeL2(Npy.Read(Path.Combine(folders[1], file!)).Floats, Npy.Read(Path.Combine(alone, file!)).Floats);
            Assert.True(error < 1e-5, $"{file}: batch vs alone rel-L2 {error:G3}");
        }
    }

    [Fact]
    public void Run_TwoInputModel_BadExtraInputs_AreUsageOrInputErrors()
    {
        var f = Require(TwoInput);
        using var temp = new TempDirectory("explain-family-vqa-bad");
        string[] common = ["run", "--model", f.File("model.onnx"), "--input-npy", f.File("input.npy"), "--method", "gradcam", "--out", temp.File("out")];

        AssertFails(1, "extra input 'tokens' is missing", common);
        AssertFails(2, "is not NAME=FILE.npy", [.. common, "--extra-input", "tokens"]);
        AssertFails(2, "--extra-input tokens: 2 files for 1 inputs", [.. common, "--extra-input", "tokens=" + f.File("tokens0.npy"), "--extra-input", "tokens=" + f.File("tokens1.npy")]);
        AssertFails(2, "no file", [.. common, "--extra-input", "tokens=" + temp.File("nope.npy")]);
    }

    /// <summary>
    /// `explain infer --extra-input` on the two-input model: each question's answer scores are PyTorch's (the fixture's
    /// score of the argmax answer), the two differ, and the one-image checks of `explain run` refuse bad tokens before the pass.
    /// </summary>
    [Fact]
    public void Infer_TwoInputModel_ScoresFollowTheTokens_BadTokensRefusedBeforeThePass()
    {
        var f = Require(TwoInput);
        using var temp = new TempDirectory("explain-family-vqa-infer");
        string[] common = ["infer", "--model", f.File("model.onnx"), "--input-npy", f.File("input.npy")];
        var scores = new float[2][];
        for (int q = 0; q < 2; q++)
        {
            string dir = temp.File($"q{q}");
            var result = ExplainCli.Run([.. common, "--extra-input", $"tokens={f.File($"tokens{q}.npy")}", "--out", dir]);
            Assert.True(result.ExitCode == 0, result.ToString());
            scores[q] = Npy.Read(Path.Combine(dir, "answers.npy")).Floats;
            int answer = f.Meta.GetProperty("answers")[q].GetInt32();
            double expected = f.Meta.GetProperty("stats").GetProperty($"q{q}-c{answer}").GetProperty("score").GetDouble();
            Assert.Equal(answer, Array.IndexOf(scores[q], scores[q].Max()));
            Assert.True(Math.Abs(scores[q][answer] - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"q{q}: answer {answer} score {scores[q][answer]} vs PyTorch {expected}");
        }
        Assert.True(MapError.RelativeL2(scores[0], scores[1]) > 1e-3, "the two questions' scores are the same: the tokens were not fed");

        var ids = Npy.Read(f.File("tokens0.npy")).Longs.ToArray();
        ids[2] = 50;
        Npy.Write(temp.File("oov.npy"), Tensor.FromInt64(ids, [1, 8]));
        Npy.Write(temp.File("two.npy"), Tensor.FromInt64([.. ids.Select(_ => 0L), .. ids.Select(_ => 0L)], [2, 8]));
        AssertFails(1, "extra input 'tokens' is missing", common);
        AssertFails(1, "extra input 'tokens' holds 50 at [0, 2]", [.. common, "--extra-input", "tokens=" + temp.File("oov.npy")]);
        AssertFails(1, "an image's extra inputs have batch 1", [.. common, "--extra-input", "tokens=" + temp.File("two.npy")]);
    }

    /// <summary>The command ends with <paramref name="exitCode"/> (1 input error, 2 usage error) and says <paramref name="message"/> on stderr.</summary>
    private static void AssertFails(int exitCode, string message, string[] arguments)
    {
        var result = ExplainCli.Run(arguments);
        Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}, expected {exitCode}: {result}");
        Assert.Contains(message, result.Stderr);
    }

    private static void AssertRawMatches(FamilyFixture f, string dir, string target)
    {
        var raw = Npy.Read(Path.Combine(dir, $"gradcam-{target}.raw.npy"));
        Assert.Equal(f.ReferenceShape("gradcam", target), raw.Shape);
        double error = MapError.RelativeL2(raw.Floats, f.Reference("gradcam", target));
        Assert.True(error < Bound, $"{target}: raw relative L2 {error:G3} through the CLI");
    }
}
