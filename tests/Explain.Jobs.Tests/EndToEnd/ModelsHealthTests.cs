using Grpc.Core;
using Explain.Jobs.Tests.Support;
using Grpc.Health.V1;

namespace Explain.Jobs.Tests.EndToEnd;

public sealed class ModelsHealthTests(ServeFixture server) : IClassFixture<ServeFixture>
{
    [Fact]
    public async Task ListModels_SharedStore_HasTheSmallModel()
    {
        var models = await server.Client.ListModelsAsync();

        Assert.Contains(models, m => m.Name == RepoPaths.SmallModel && m.Description.Length > 0);
    }

    [Fact]
    public async Task DescribeModel_SmallModel_LayersLabelsAndDefaultLayer()
    {
        var model = await server.Client.DescribeModelAsync(RepoPaths.SmallModel);

        Assert.Equal("MobilenetV1/MobilenetV1/Conv2d_13_pointwise/Relu6", model.DefaultTargetLayer);
        Assert.Contains(model.ObservableLayers, l => l.Name == model.DefaultTargetLayer && l.Shape.Count == 4);
        Assert.Equal(model.Labels.Count, model.LabelsCount);
        Assert.True(model.LabelsCount >= 1000);
        Assert.Equal([1, 3, 128, 128], model.Inputs.Single().Shape);
        Assert.Contains("gradcam++", model.Methods);
        Assert.Contains("preprocess", model.CardJson);
    }

    [Fact]
    public async Task DescribeModel_Unknown_NotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.DescribeModelAsync("nope"));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task HealthCheck_Serve_Serving()
    {
        var health = new Grpc.Health.V1.Health.HealthClient(server.Channel);

        var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }
}
