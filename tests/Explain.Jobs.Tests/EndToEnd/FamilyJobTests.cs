using System.Text.Json;
using Explain.Cli.Commands;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Google.Protobuf;
using Grpc.Core;
using static Explain.Jobs.Tests.Api.RichStatusTests;

namespace Explain.Jobs.Tests.EndToEnd;

/// <summary>
/// Segmentation and detection jobs through the service on the family models with seeded random weights
/// (issue 14 part 4): `explain submit` writes what `explain run` writes, HEATMAP events carry the mask and
/// the matched rows, and targets that do not fit the model's output shapes are refused before queueing.
/// </summary>
public sealed class FamilyJobTests(FamilyServeFixture server) : IClassFixture<FamilyServeFixture>, IDisposable
{
    private const string Segmenter = "lraspp_mobilenet_v3";
    private const string Detector = "ssdlite_mobilenet_v3";
    private const string Embedder = "resnet18_embedding";
    private const string TwoInput = "vqa_toy";

    /// <summary>segment:13:box=16,24,80,96 sums 64 × 72 pixels of the 128 × 128 output.</summary>
    private const int BoxPixels = 64 * 72;

    private readonly string _dir = Directory.CreateTempSubdirectory("explain-family-").FullName;

    [Fact]
    public void Submit_SegmentationBoxAndMask_WritesWhatRunWrites()
    {
        string mask = RepoPaths.Family(Segmenter, "mask.png");
        string[] common = ["--image", RepoPaths.Image("both.png"), "--method", "gradcam,gradcam++", "--target", "segment:13:box=16,24,80,96", "--target", $"segment:13:mask={mask}"];

        var (local, remote) = RunAndSubmit(Segmenter, common, "seg");

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(remote, "result.json")));
        var maps = doc.RootElement.GetProperty("maps").EnumerateArray().ToList();
        Assert.Equal(["seg-c13-box16,24,80,96", "seg-c13-mask", "seg-c13-box16,24,80,96", "seg-c13-mask"], maps.Select(m => m.GetProperty("target").GetString()));
        int maskPixels = Imaging.ImageDecoder.Decode(File.ReadAllBytes(mask)).Pixels.Where((_, i) => i % 3 == 0).Count(v => v != 0);
        foreach (var map in maps)
        {
            var region = map.GetProperty("target_region");
            Assert.Equal("mask", region.GetProperty("kind").GetString());
            int pixels = region.GetProperty("pixels").GetInt32();
            Assert.Equal(map.GetProperty("target").GetString()!.Contains("box") ? BoxPixels : maskPixels, pixels);
            // The mask written beside the maps is the one summed: 128 x 128, white exactly on those pixels.
            var written = Imaging.ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(remote, region.GetProperty("mask").GetString()!)));
            Assert.Equal((128, 128), (written.Width, written.Height));
            Assert.Equal(pixels, written.Pixels.Where((_, i) => i % 3 == 0).Count(v => v == 255));
            Assert.Equal(File.ReadAllBytes(Path.Combine(local, region.GetProperty("mask").GetString()!)), File.ReadAllBytes(Path.Combine(remote, region.GetProperty("mask").GetString()!)));
        }
    }

    /// <summary>No boxes given: the detector's two best rows (greedy NMS), each its own box target matching its own row.</summary>
    [Fact]
    public void Submit_DetectionTopK_WritesWhatRunWrites()
    {
        string[] common = ["--image", RepoPaths.Image("both.png"), "--method", "gradcam", "--top-k", "2"];

        var (local, remote) = RunAndSubmit(Detector, common, "det");

        var regions = Regions(remote);
        Assert.Equal(2, regions.Count);
        Assert.Equal(Regions(local).Select(r => r.GetRawText()), regions.Select(r => r.GetRawText()));
        foreach (var region in regions)
        {
            Assert.Equal("boxes", region.GetProperty("kind").GetString());
            var box = Assert.Single(region.GetProperty("boxes").EnumerateArray());
            var detection = box.GetProperty("detection");
            Assert.Equal(JsonValueKind.Object, detection.ValueKind);
            // A row picked from the output matches itself: IoU 1 with its own box.
            Assert.Equal(1.0, detection.GetProperty("iou").GetDouble(), 5);
        }
    }

    [Fact]
    public async Task Explain_SegmentationBox_HeatmapCarriesTheMask()
    {
        var request = Request(Segmenter, new Target { Kind = TargetKind.Segmentation, Classes = { 13 }, Box = new Box { X = 16, Y = 24, Width = 64, Height = 72 } });

        var heatmap = Assert.Single(await HeatmapsAsync(request));

        Assert.Equal("seg-c13-box16,24,80,96", heatmap.Target);
        Assert.Equal(BoxPixels, heatmap.TargetRegion.MaskPixels);
        var mask = Imaging.ImageDecoder.Decode(heatmap.TargetRegion.MaskPng.Span);
        Assert.Equal(BoxPixels, Enumerable.Range(0, 128 * 128).Count(q => mask.Pixels[3 * q] == 255));
        Assert.Equal(255, mask.Pixels[3 * (24 * 128 + 16)]);
        Assert.Equal(0, mask.Pixels[3 * (24 * 128 + 80)]);
    }

    /// <summary>A detection target given as boxes on the wire: the row a top-1 job explained, asked for by its box, matches that row again.</summary>
    [Fact]
    public async Task Explain_DetectionBoxes_HeatmapCarriesTheMatchedRow()
    {
        var top = Request(Detector);
        top.Targets = new Targets { TopK = 1 };
        var first = Assert.Single(await HeatmapsAsync(top)).TargetRegion.Boxes.Single();
        Assert.True(first.Matched);
        var row = first.MatchedBox;
        var request = Request(Detector, new Target
        {
            Kind = TargetKind.Detection,
            Boxes =
            {
                new ReferenceBox { X1 = row.X1 + 1, Y1 = row.Y1, X2 = row.X2, Y2 = row.Y2 - 1, Label = first.Label },
                new ReferenceBox { X1 = row.X1, Y1 = row.Y1, X2 = row.X2, Y2 = row.Y2, Label = first.Label % 20 + 1 },
            },
        });

        var region = Assert.Single(await HeatmapsAsync(request)).TargetRegion;

        Assert.Equal(2, region.Boxes.Count);
        Assert.True(region.Boxes[0].Matched);
        Assert.Equal(first.Row, region.Boxes[0].Row);
        Assert.True(region.Boxes[0].Iou is > 0.9f and < 1f, $"IoU {region.Boxes[0].Iou}");
        Assert.False(region.Boxes[1].Matched); // the row's label is another: upstream's zero, no match
    }

    /// <summary>Checks that depend on the family model's output shapes: INVALID_ARGUMENT naming the field, nothing queued.</summary>
    [Theory]
    [InlineData("mask-wrong-size", "targets.items[0].mask_png")]
    [InlineData("segmentation-box-outside-output", "targets.items[0].box")]
    [InlineData("segmentation-class-outside-output", "targets.items[0].classes[0]")]
    [InlineData("detector-unknown-output", "targets.items[0].output")]
    [InlineData("detector-index-out-of-range", "targets.items[0].index")]
    [InlineData("detector-index-wrong-axes", "targets.items[0].index")]
    [InlineData("embedding-wrong-length", "targets.items[0].reference_embedding")]
    public async Task Submit_TargetNotFittingTheFamilyModel_BadRequestNamesTheFieldNothingQueued(string what, string field)
    {
        var (model, target) = what switch
        {
            "mask-wrong-size" => (Segmenter, new Target { Kind = TargetKind.Segmentation, Classes = { 13 }, MaskPng = ByteString.CopyFrom(Imaging.Png.PngEncoder.Encode(new Imaging.RgbImage(64, 64, new byte[64 * 64 * 3]))) }),
            "segmentation-box-outside-output" => (Segmenter, new Target { Kind = TargetKind.Segmentation, Classes = { 13 }, Box = new Box { X = 100, Y = 0, Width = 50, Height = 10 } }),
            "segmentation-class-outside-output" => (Segmenter, new Target { Kind = TargetKind.Segmentation, Classes = { 21 } }),
            "detector-unknown-output" => (Detector, new Target { Kind = TargetKind.Output, Output = "nope", Index = { 0, 0 } }),
            "detector-index-out-of-range" => (Detector, new Target { Kind = TargetKind.Output, Output = "scores", Index = { 840, 3 } }),
            "detector-index-wrong-axes" => (Detector, new Target { Kind = TargetKind.Output, Output = "scores", Index = { 1, 2, 3 } }),
            _ => (Embedder, new Target { Kind = TargetKind.Similarity, ReferenceEmbedding = { new float[1000] } }),
        };
        await server.AssertInvalidNothingQueuedAsync(Request(model, target), field, what == "mask-wrong-size" ? "the mask is 64x64; the output 'out' is 128x128" : null);
    }

    /// <summary>A two-input model (image + int64 token ids, issue 14 part 2): `explain submit --extra-input` writes what `explain run --extra-input` writes, result.json naming the extra input.</summary>
    [Fact]
    public void Submit_ImageWithTokens_WritesWhatRunWrites()
    {
        string[] common = ["--image", RepoPaths.Image("both.png"), "--method", "gradcam,scorecam", "--target", "output:answers:3",
            "--extra-input", "tokens=" + RepoPaths.Family(TwoInput, "tokens0.npy")];

        var (_, remote) = RunAndSubmit(TwoInput, common, "vqa");

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(remote, "result.json")));
        var extra = Assert.Single(doc.RootElement.GetProperty("extra_inputs").EnumerateArray().ToList());
        Assert.Equal("tokens", extra.GetProperty("name").GetString());
        Assert.Equal("int64", extra.GetProperty("element_type").GetString());
        Assert.Equal([1, 8], extra.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
    }

    /// <summary>The tokens reach the worker's passes: two questions give different maps; a batch of the picture with each question gives each job's maps.</summary>
    [Fact]
    public async Task Explain_TokensPerJobAndPerBatchImage_EachImageGetsItsQuestionsMaps()
    {
        var alone = new List<List<Heatmap>>();
        for (int q = 0; q < 2; q++)
        {
            var request = VqaRequest();
            request.ExtraInputs.Add(Tokens(q));
            alone.Add(await HeatmapsAsync(request));
        }
        var batch = VqaRequest();
        batch.Images.Add(batch.Image);
        batch.Images.Add(batch.Image);
        batch.ClearInput();
        batch.ImageExtraInputs.Add(new InputTensors { Items = { Tokens(0) } });
        batch.ImageExtraInputs.Add(new InputTensors { Items = { Tokens(1) } });

        var both = await HeatmapsAsync(batch);

        Assert.Equal(alone[0].Count * 2, both.Count);
        double difference = RelativeL2(alone[0][0].Raw, alone[1][0].Raw);
        Assert.True(difference > 0.1, $"the two questions' maps should differ (relative L2 {difference:G3})");
        for (int q = 0; q < 2; q++)
        {
            var mine = both.Where(h => h.ImageIndex == q).ToList();
            Assert.Equal(alone[q].Select(h => (h.Method, h.Target)), mine.Select(h => (h.Method, h.Target)));
            // The batch's gradients come from one batch-2 ONNX Runtime run, each job's from a batch-1 run:
            // equal up to float32 summation order (measured ~1e-7), far below the 0.1 that tells two questions apart.
            for (int i = 0; i < mine.Count; i++)
            {
                double error = RelativeL2(mine[i].Raw, alone[q][i].Raw);
                Assert.True(error < 1e-5, $"image {q}, {mine[i].Method}: batch vs alone relative L2 {error:G3}");
            }
        }
    }

    static double RelativeL2(IReadOnlyList<float> actual, IReadOnlyList<float> expected) =>
        Math.Sqrt(actual.Zip(expected, (a, b) => (double)(a - b) * (a - b)).Sum() / Math.Max(expected.Sum(b => (double)b * b), 1e-30));

    /// <summary>Models.Describe tells a caller what to feed: the image input first, then the token ids with their element type.</summary>
    [Fact]
    public async Task Describe_TwoInputModel_ListsBothInputsWithTheirElementTypes()
    {
        var description = await server.Client.DescribeModelAsync(TwoInput);

        Assert.Equal([("input", "float32", "1,3,64,64"), ("tokens", "int64", "1,8")],
            description.Inputs.Select(i => (i.Name, i.ElementType, string.Join(',', i.Shape))));
    }

    /// <summary>Extra inputs that cannot feed the model: INVALID_ARGUMENT naming the field, nothing queued.</summary>
    [Theory]
    [InlineData("missing", "extra_inputs", "extra input 'tokens' is missing")]
    [InlineData("float-for-int64", "extra_inputs[0]", "extra input 'tokens' is float; the model declares int64")]
    [InlineData("wrong-length", "extra_inputs[0]", "extra input 'tokens' has shape [1, 9]")]
    [InlineData("unknown-name", "extra_inputs[1]", "'question' is not an input of the model (its other inputs: tokens)")]
    [InlineData("token-out-of-vocabulary", "extra_inputs[0]", "holds 50 at [0, 3]")]
    [InlineData("data-count", "extra_inputs[0].ints", "holds 8 values, ints has 7")]
    [InlineData("batch-2", "extra_inputs[0].shape", "first (batch) dimension is 1, not 2")]
    [InlineData("floats-and-ints", "extra_inputs[0]", "exactly one of floats")]
    [InlineData("nan", "extra_inputs[0].floats", "floats[0] is not finite")]
    [InlineData("no-name", "extra_inputs[0].name", "needs the name")]
    [InlineData("twice", "extra_inputs[1].name", "given twice")]
    [InlineData("too-many", "extra_inputs", "at most 4 extra inputs")]
    [InlineData("batch-count", "image_extra_inputs", "1 sets of extra inputs for 2 images")]
    [InlineData("batch-without-images", "image_extra_inputs", "send the images in images")]
    [InlineData("one-input-model", "extra_inputs[0]", "is not an input of the model (its other inputs: none)")]
    public async Task Submit_BadExtraInputs_BadRequestNamesTheFieldNothingQueued(string what, string field, string message)
    {
        var request = VqaRequest();
        var tokens = Tokens(0);
        InputTensor With(Action<InputTensor> change)
        {
            var t = tokens.Clone();
            change(t);
            return t;
        }
        switch (what)
        {
            case "missing": break;
            case "float-for-int64": request.ExtraInputs.Add(With(t => { t.Ints.Clear(); t.Floats.Add(new float[8]); })); break;
            case "wrong-length": request.ExtraInputs.Add(With(t => { t.Shape[1] = 9; t.Ints.Add(1); })); break;
            case "unknown-name": request.ExtraInputs.Add(tokens); request.ExtraInputs.Add(With(t => t.Name = "question")); break;
            case "token-out-of-vocabulary": request.ExtraInputs.Add(With(t => t.Ints[3] = 50)); break;
            case "data-count": request.ExtraInputs.Add(With(t => t.Ints.RemoveAt(7))); break;
            case "batch-2": request.ExtraInputs.Add(With(t => { t.Shape[0] = 2; t.Ints.Add(t.Ints.ToArray()); })); break;
            case "floats-and-ints": request.ExtraInputs.Add(With(t => t.Floats.Add(1f))); break;
            case "nan": request.ExtraInputs.Add(With(t => { t.Ints.Clear(); t.Floats.Add(Enumerable.Repeat(float.NaN, 8)); })); break;
            case "no-name": request.ExtraInputs.Add(With(t => t.Name = "")); break;
            case "twice": request.ExtraInputs.Add(tokens); request.ExtraInputs.Add(tokens); break;
            case "too-many": request.ExtraInputs.Add(Enumerable.Range(0, 5).Select(i => With(t => t.Name = $"t{i}"))); break;
            case "batch-count":
                request.Images.Add(request.Image);
                request.Images.Add(request.Image);
                request.ClearInput();
                request.ImageExtraInputs.Add(new InputTensors { Items = { tokens } });
                break;
            case "batch-without-images": request.ImageExtraInputs.Add(new InputTensors { Items = { tokens } }); break;
            case "one-input-model": request = Request(Embedder); request.ExtraInputs.Add(tokens); break;
        }
        await server.AssertInvalidNothingQueuedAsync(request, field, message);
    }

    private static ExplainRequest VqaRequest()
    {
        var request = Request(TwoInput, new Target { Kind = TargetKind.Output, Output = "answers", Index = { 3 } });
        request.Methods.Add("scorecam");
        return request;
    }

    private static InputTensor Tokens(int question)
    {
        var ids = Engine.Tensors.Npy.Read(RepoPaths.Family(TwoInput, $"tokens{question}.npy"));
        return new InputTensor { Name = "tokens", Shape = { ids.Shape }, Ints = { ids.Longs } };
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ExplainRequest Request(string model, params Target[] targets)
    {
        var request = Requests.Image("both.png", model, "gradcam");
        if (targets.Length > 0)
            request.Targets = new Targets { Items = { targets } };
        return request;
    }

    /// <summary>`explain submit` to the server and `explain run` in process with the same arguments; the same files, the same map bytes.</summary>
    private (string Local, string Remote) RunAndSubmit(string model, string[] common, string name)
    {
        string remote = Path.Combine(_dir, name + "-submit"), local = Path.Combine(_dir, name + "-run");

        Assert.Equal(0, SubmitCommand.Run(["--model", model, .. common, "--server", server.Host.Address.ToString(), "--out", remote]));
        Assert.Equal(0, RunCommand.Run(["--model", RepoPaths.Family(model, "model.onnx"), .. common, "--out", local]));

        var files = Directory.GetFiles(local).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(files, Directory.GetFiles(remote).Select(Path.GetFileName).Order().ToList());
        foreach (var file in files.Where(f => f!.EndsWith(".npy", StringComparison.Ordinal) || f!.EndsWith(".png", StringComparison.Ordinal)))
            Assert.True(File.ReadAllBytes(Path.Combine(local, file!)).SequenceEqual(File.ReadAllBytes(Path.Combine(remote, file!))), $"{file} differs between run and submit");
        return (local, remote);
    }

    private static List<JsonElement> Regions(string dir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        return doc.RootElement.GetProperty("maps").EnumerateArray().Select(m => m.GetProperty("target_region").Clone()).ToList();
    }

    private async Task<List<Heatmap>> HeatmapsAsync(ExplainRequest request)
    {
        var (heatmaps, last) = await server.Client.HeatmapsAsync(request);
        Assert.True(last?.KindCase == JobEvent.KindOneofCase.Completed, $"the job ended with {last}");
        return heatmaps;
    }
}
