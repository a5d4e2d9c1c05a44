using Explain.Jobs.Tests.Support;
using Explain.V1;
using Google.Rpc;
using Grpc.Core;

namespace Explain.Jobs.Tests.Api;

/// <summary>Refusals carry google.rpc.Status details (grpc-status-details-bin) a client can act on.</summary>
public sealed class RichStatusTests(ServeFixture server) : IClassFixture<ServeFixture>
{
    [Fact]
    public async Task Submit_UnknownSecondMethod_BadRequestNamesMethods1()
    {
        var status = await RejectedAsync(Requests.Image("both.png", RepoPaths.SmallModel, "gradcam", "magiccam"));

        Assert.Equal((int)StatusCode.InvalidArgument, status.Code);
        var violation = Assert.Single(Detail<BadRequest>(status).FieldViolations);
        Assert.Equal("methods[1]", violation.Field);
        Assert.Contains("magiccam", violation.Description);
        Assert.Equal("unknown_method", Detail<ErrorInfo>(status).Reason);
    }

    /// <summary>Target objects end to end: each item comes back as its own HEATMAP, named as the library names it.</summary>
    [Fact]
    public async Task Explain_TargetItems_OneHeatmapPerTarget()
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam");
        request.Targets = new Targets
        {
            Items =
            {
                new Target { Kind = TargetKind.Softmax, Classes = { 3 } },
                new Target { Kind = TargetKind.Rest, Classes = { 3 } },
                new Target { Kind = TargetKind.Sum },
                new Target { Kind = TargetKind.MultiLabel, Classes = { 3, 7 } },
            },
        };
        var (heatmaps, last) = await server.Client.HeatmapsAsync(request);

        Assert.Equal(JobEvent.KindOneofCase.Completed, last?.KindCase);
        Assert.Equal(["c3-softmax", "c3-rest", "sum", "labels-3+7"], heatmaps.Select(h => h.Target));
        Assert.Equal([3, 3, -1, -1], heatmaps.Select(h => h.ClassIndex));
        // Raw maps (before ReLU) are each target's own: nonzero, and softmax's differs from ReST's.
        Assert.All(heatmaps, h => Assert.True(h.Raw.Any(v => v != 0), $"{h.Target}: all-zero raw map"));
        Assert.NotEqual(heatmaps[0].Raw, heatmaps[1].Raw);
    }

    /// <summary>Target objects (issue 14): a malformed item is refused before queueing, naming targets.items[i] and its field.</summary>
    [Theory]
    [InlineData(TargetKind.Softmax, new[] { 5000 }, false, "targets.items[1].classes[0]")]
    [InlineData(TargetKind.Rest, new[] { 1, 2 }, false, "targets.items[1].classes")]
    [InlineData(TargetKind.MultiLabel, new[] { 4, 4 }, false, "targets.items[1].classes[1]")]
    [InlineData(TargetKind.Sum, new[] { 4 }, false, "targets.items[1].classes")]
    [InlineData(TargetKind.Binary, new int[0], true, "targets.items[1].kind")]
    [InlineData((TargetKind)99, new int[0], false, "targets.items[1].kind")]
    public async Task Submit_MalformedTargetItem_BadRequestNamesTheItem(TargetKind kind, int[] classes, bool positive, string field)
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam");
        request.Targets = new Targets { Items = { new Target { Kind = TargetKind.Softmax, Classes = { 3 } }, new Target { Kind = kind, Classes = { classes }, Positive = positive } } };

        var status = await RejectedAsync(request);

        Assert.Equal((int)StatusCode.InvalidArgument, status.Code);
        Assert.Equal(field, Assert.Single(Detail<BadRequest>(status).FieldViolations).Field);
    }

    /// <summary>Targets on outputs (issue 14): an output target on the scores is the class target; a similarity to a second picture is embedded by the worker.</summary>
    [Fact]
    public async Task Explain_OutputAndSimilarityTargets_OneHeatmapEach()
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam");
        request.Targets = new Targets
        {
            Items =
            {
                new Target { Kind = TargetKind.Logit, Classes = { 3 } },
                new Target { Kind = TargetKind.Output, Output = "logits", Index = { 3 } },
                new Target { Kind = TargetKind.Similarity, ReferenceImage = Requests.Image("horses.jpg").Image },
            },
        };
        var (heatmaps, last) = await server.Client.HeatmapsAsync(request);

        Assert.Equal(JobEvent.KindOneofCase.Completed, last?.KindCase);
        // GAM's pair (issue 14 part 5): the reference picture gets its own map, for its similarity to the request's picture.
        Assert.Equal(["c3", "out:logits[3]", "similarity-image", "similarity-image@reference"], heatmaps.Select(h => h.Target));
        Assert.Equal(heatmaps[0].Raw, heatmaps[1].Raw);
        Assert.True(heatmaps[2].Raw.Any(v => v != 0), "the similarity map is all zero");
        Assert.NotEqual(heatmaps[0].Raw, heatmaps[2].Raw);
        Assert.Null(heatmaps[0].TargetRegion);
        Assert.Equal((SimilarityReference.Image, false), (heatmaps[2].TargetRegion.SimilarityReference, heatmaps[2].TargetRegion.OnReferenceImage));
        Assert.Equal((SimilarityReference.RequestImage, true), (heatmaps[3].TargetRegion.SimilarityReference, heatmaps[3].TargetRegion.OnReferenceImage));
        Assert.All(heatmaps, h => Assert.Equal(4, h.Count));
        // Each overlay is drawn on its own picture: both.png is 224 × 224, horses.jpg 425 × 280.
        var front = Imaging.ImageDecoder.Decode(heatmaps[2].OverlayPng.Span);
        var back = Imaging.ImageDecoder.Decode(heatmaps[3].OverlayPng.Span);
        Assert.Equal((224, 224, 425, 280), (front.Width, front.Height, back.Width, back.Height));
    }

    /// <summary>Targets on outputs (issue 14): refused before queueing, naming the item's field.</summary>
    [Theory]
    [InlineData("unknown-output", "targets.items[0].output")]
    [InlineData("index-out-of-range", "targets.items[0].index")]
    [InlineData("index-missing", "targets.items[0].index")]
    [InlineData("embedding-length", "targets.items[0].reference_embedding")]
    [InlineData("embedding-and-image", "targets.items[0].reference_embedding")]
    [InlineData("reference-image-undecodable", "targets.items[0].reference_image")]
    [InlineData("segmentation-on-a-classifier", "targets.items[0].output")]
    [InlineData("mask-undecodable", "targets.items[0].mask_png")]
    [InlineData("box-empty", "targets.items[0].box")]
    [InlineData("detection-on-a-classifier", "targets.items[0].kind")]
    [InlineData("detection-bad-box", "targets.items[0].boxes[0]")]
    [InlineData("mixed-outputs", "targets.items")]
    [InlineData("index-on-a-logit", "targets.items[0].index")]
    public async Task Submit_MalformedOutputTarget_BadRequestNamesTheField(string what, string field)
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam");
        var target = what switch
        {
            "unknown-output" => new Target { Kind = TargetKind.Output, Output = "nope", Index = { 0 } },
            "index-out-of-range" => new Target { Kind = TargetKind.Output, Output = "logits", Index = { 5000 } },
            "index-missing" => new Target { Kind = TargetKind.Output, Output = "logits" },
            "embedding-length" => new Target { Kind = TargetKind.Similarity, ReferenceEmbedding = { 1f, 2f, 3f } },
            "embedding-and-image" => new Target { Kind = TargetKind.Similarity, ReferenceEmbedding = { 1f }, ReferenceImage = Requests.Image("horses.jpg").Image },
            "reference-image-undecodable" => new Target { Kind = TargetKind.Similarity, ReferenceImage = Google.Protobuf.ByteString.CopyFromUtf8("not a picture") },
            "segmentation-on-a-classifier" => new Target { Kind = TargetKind.Segmentation, Classes = { 1 } },
            "mask-undecodable" => new Target { Kind = TargetKind.Segmentation, Classes = { 1 }, MaskPng = Google.Protobuf.ByteString.CopyFromUtf8("not a png") },
            "box-empty" => new Target { Kind = TargetKind.Segmentation, Classes = { 1 }, Box = new Box { X = 1, Y = 1, Width = 0, Height = 3 } },
            "detection-on-a-classifier" => new Target { Kind = TargetKind.Detection, Boxes = { new ReferenceBox { X1 = 1, Y1 = 1, X2 = 9, Y2 = 9, Label = 1 } } },
            "detection-bad-box" => new Target { Kind = TargetKind.Detection, Boxes = { new ReferenceBox { X1 = 9, Y1 = 1, X2 = 1, Y2 = 9, Label = 1 } } },
            "mixed-outputs" => new Target { Kind = TargetKind.Output, Output = "probs", Index = { 0 } },
            _ => new Target { Kind = TargetKind.Logit, Classes = { 1 }, Index = { 0 } },
        };
        request.Targets = new Targets { Items = { target } };
        if (what == "mixed-outputs")
            request.Targets.Items.Add(new Target { Kind = TargetKind.Output, Output = "logits", Index = { 0 } });

        var status = await RejectedAsync(request);

        Assert.Equal((int)StatusCode.InvalidArgument, status.Code);
        Assert.Equal(field, Assert.Single(Detail<BadRequest>(status).FieldViolations).Field);
    }

    [Fact]
    public async Task Submit_ClassOutOfRange_BadRequestNamesTheClassIndex()
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam");
        request.Targets = new Targets { Classes = { 3, 5000 } };

        var status = await RejectedAsync(request);

        Assert.Equal("targets.classes[1]", Assert.Single(Detail<BadRequest>(status).FieldViolations).Field);
    }

    [Fact]
    public async Task Submit_UndecodableImage_BadRequestNamesImage()
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam");
        request.Image = Google.Protobuf.ByteString.CopyFromUtf8("not a picture");

        var status = await RejectedAsync(request);

        Assert.Equal("image", Assert.Single(Detail<BadRequest>(status).FieldViolations).Field);
    }

    [Fact]
    public async Task Submit_UnknownModel_ResourceInfoNamesTheModel()
    {
        var status = await RejectedAsync(Requests.Image("both.png", "no_such_model", "gradcam"));

        Assert.Equal((int)StatusCode.NotFound, status.Code);
        var resource = Detail<ResourceInfo>(status);
        Assert.Equal(("model", "no_such_model"), (resource.ResourceType, resource.ResourceName));
    }

    [Fact]
    public async Task Get_UnknownJob_ResourceInfoNamesTheJob()
    {
        string id = JobIds.New();
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.GetAsync(id));

        var resource = Detail<ResourceInfo>(ex.GetRpcStatus()!);
        Assert.Equal(("job", id), (resource.ResourceType, resource.ResourceName));
    }

    private async Task<Google.Rpc.Status> RejectedAsync(ExplainRequest request)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.SubmitAsync(request));
        var status = ex.GetRpcStatus();
        Assert.NotNull(status);
        Assert.Equal((int)ex.StatusCode, status.Code);
        Assert.Equal(ex.Status.Detail, status.Message);
        return status;
    }

    internal static T Detail<T>(Google.Rpc.Status status)
        where T : class, Google.Protobuf.IMessage<T>, new() =>
        status.GetDetail<T>() ?? throw new Xunit.Sdk.XunitException($"no {typeof(T).Name} in [{string.Join(", ", status.Details.Select(d => d.TypeUrl))}]");
}
