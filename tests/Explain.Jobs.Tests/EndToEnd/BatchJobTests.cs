using Explain.Cli.Commands;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Google.Protobuf;
using Grpc.Core;
using static Explain.Jobs.Tests.Api.RichStatusTests;

namespace Explain.Jobs.Tests.EndToEnd;

/// <summary>
/// Batch jobs through the service (issue 14 part 3): ExplainRequest.images with a target list per image, one job,
/// each image's events tagged with its image_index and equal to the job of that image alone; a batch whose
/// target lists do not match is INVALID_ARGUMENT naming the field, with nothing queued.
/// </summary>
public sealed class BatchJobTests(ServeFixture server) : IClassFixture<ServeFixture>
{
    private static readonly string[] Pictures = ["both.png", "dog_cat.jfif", "horses.jpg"];

    private static Targets[] PerImage() =>
    [
        new() { Classes = { 3 } },
        new() { Items = { new Target { Kind = TargetKind.Softmax, Classes = { 7 } }, new Target { Kind = TargetKind.Rest, Classes = { 7 } } } },
        new() { TopK = 2 },
    ];

    private static ExplainRequest Batch(params string[] methods)
    {
        var request = new ExplainRequest { Model = RepoPaths.SmallModel };
        request.Methods.AddRange(methods);
        request.Images.AddRange(Pictures.Select(p => ByteString.CopyFrom(File.ReadAllBytes(RepoPaths.Image(p)))));
        request.ImageTargets.AddRange(PerImage());
        return request;
    }

    [Fact]
    public async Task Explain_BatchOfThree_EachImageEqualsItsOwnJob()
    {
        var events = await server.Client.ExplainAllAsync(Batch("gradcam", "gradcam++"));

        Assert.Equal(JobEvent.KindOneofCase.Completed, events[^1].KindCase);
        var heatmaps = events.Where(e => e.KindCase == JobEvent.KindOneofCase.Heatmap).Select(e => e.Heatmap).ToList();
        // 2 methods × (1 + 2 + 2) targets, image 0's first, index/count over the whole job.
        Assert.Equal(10, heatmaps.Count);
        Assert.Equal([0, 0, 1, 1, 1, 1, 2, 2, 2, 2], heatmaps.Select(h => h.ImageIndex));
        Assert.Equal(Enumerable.Range(0, 10), heatmaps.Select(h => h.Index));
        Assert.All(heatmaps, h => Assert.Equal(10, h.Count));
        Assert.Equal(10, events[^1].Completed.Heatmaps);
        var predictions = events.Single(e => e.KindCase == JobEvent.KindOneofCase.Predictions).Predictions;
        Assert.Equal([0, 1, 2], predictions.Images.Select(i => i.ImageIndex));
        Assert.Equal(predictions.Images[0].Predictions, predictions.Predictions_);
        Assert.Equal([0, 1, 2], events[^1].Completed.Texts.Select(t => t.ImageIndex).Distinct());

        for (int i = 0; i < Pictures.Length; i++)
        {
            var alone = Requests.Image(Pictures[i], RepoPaths.SmallModel, "gradcam", "gradcam++");
            alone.Targets = PerImage()[i];
            var own = await server.Client.ExplainAllAsync(alone);
            var ownMaps = own.Where(e => e.KindCase == JobEvent.KindOneofCase.Heatmap).Select(e => e.Heatmap).ToList();
            var batched = heatmaps.Where(h => h.ImageIndex == i).ToList();
            Assert.Equal(ownMaps.Select(h => (h.Method, h.Target)), batched.Select(h => (h.Method, h.Target)));
            foreach (var (single, inBatch) in ownMaps.Zip(batched))
            {
                Assert.Equal(single.Raw, inBatch.Raw);
                Assert.Equal(single.Map, inBatch.Map);
                Assert.Equal(single.OverlayPng, inBatch.OverlayPng);
            }
            Assert.Equal(own.Single(e => e.KindCase == JobEvent.KindOneofCase.Predictions).Predictions.Predictions_, predictions.Images[i].Predictions);
        }
        // The pictures differ, so their maps do.
        Assert.NotEqual(heatmaps[0].Raw, heatmaps[2].Raw);
    }

    /// <summary>`explain submit --batch 3 --image-targets` (one batch job) writes, image by image, what `explain run --batch 3` writes in process.</summary>
    [Fact]
    public void Submit_BatchWithImageTargets_WritesWhatRunWrites()
    {
        string dir = Directory.CreateTempSubdirectory("explain-batch-").FullName;
        try
        {
            string[] common = ["--model", RepoPaths.SmallModel, "--image", .. Pictures.Select(RepoPaths.Image), "--method", "gradcam,gradcam++", "--batch", "3",
                "--image-targets", "logit:3", "--image-targets", "softmax:7;rest:7", "--image-targets", "logit:1"];
            string remote = Path.Combine(dir, "submit"), local = Path.Combine(dir, "run");
            Assert.Equal(0, SubmitCommand.Run([.. common, "--server", server.Host.Address.ToString(), "--out", remote]));
            Assert.Equal(0, RunCommand.Run([.. common, "--out", local]));

            foreach (var stem in Pictures.Select(Path.GetFileNameWithoutExtension))
            {
                var files = Directory.GetFiles(Path.Combine(local, stem!), "*.npy").Select(Path.GetFileName).Order().ToList();
                Assert.Equal(stem == "dog_cat" ? 8 : 4, files.Count); // 2 methods × targets × (map, raw)
                Assert.Equal(files, Directory.GetFiles(Path.Combine(remote, stem!), "*.npy").Select(Path.GetFileName).Order().ToList());
                foreach (var file in files)
                    Assert.True(File.ReadAllBytes(Path.Combine(local, stem!, file!)).SequenceEqual(File.ReadAllBytes(Path.Combine(remote, stem!, file!))), $"{stem}/{file} differs between run and submit");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("fewer-target-lists", "image_targets", "2 target lists for 3 images")]
    [InlineData("image-and-images", "images", "not both")]
    [InlineData("too-many-images", "images", "at most 8 images")]
    [InlineData("targets-and-image-targets", "targets", "leave targets unset")]
    [InlineData("image-targets-without-images", "image_targets", "send the images")]
    [InlineData("bad-class-in-second-list", "image_targets[1].items[0].classes[0]", "")]
    [InlineData("undecodable-second-image", "images[1]", "")]
    [InlineData("pair-in-batch", "image_targets[2].items[0].reference_image", "pair")]
    public async Task Submit_MalformedBatch_BadRequestNamesTheFieldNothingQueued(string what, string field, string message)
    {
        var request = Batch("gradcam");
        switch (what)
        {
            case "fewer-target-lists":
                request.ImageTargets.RemoveAt(2);
                break;
            case "image-and-images":
                request.Image = request.Images[0];
                break;
            case "too-many-images":
                request.ImageTargets.Clear();
                request.Images.AddRange(Enumerable.Repeat(request.Images[0], 6));
                break;
            case "targets-and-image-targets":
                request.Targets = new Targets { TopK = 1 };
                break;
            case "image-targets-without-images":
                request.Image = request.Images[0];
                request.Images.Clear();
                break;
            case "bad-class-in-second-list":
                request.ImageTargets[1].Items[0].Classes[0] = 5000;
                break;
            case "undecodable-second-image":
                request.Images[1] = ByteString.CopyFrom(new byte[] { 0x89, 0x50, 0x4e, 0x47, 1, 2, 3 });
                break;
            default:
                request.ImageTargets[2] = new Targets { Items = { new Target { Kind = TargetKind.Similarity, ReferenceImage = request.Images[0] } } };
                break;
        }
        await server.AssertInvalidNothingQueuedAsync(request, field, message);
    }
}
