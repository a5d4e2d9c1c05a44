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
