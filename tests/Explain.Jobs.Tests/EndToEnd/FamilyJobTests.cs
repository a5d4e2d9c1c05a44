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
        int events = server.Transport.Events.Count, queued = server.Transport.Jobs.ReadyCount;

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.SubmitAsync(Request(model, target)));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(Detail<Google.Rpc.BadRequest>(ex.GetRpcStatus()!).FieldViolations);
        Assert.Equal(field, violation.Field);
        if (what == "mask-wrong-size")
            Assert.Contains("the mask is 64x64; the output 'out' is 128x128", violation.Description);
        Assert.Equal(events, server.Transport.Events.Count);
        Assert.Equal(queued, server.Transport.Jobs.ReadyCount);
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
