using Explain.Grpc.Health;
using Explain.Grpc.Tests.Support;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Explain.Grpc.Tests.EndToEnd;

public sealed class HealthTests : ServerFixture
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = HealthReflection.Descriptor.Services[0];
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> Check = Method<HealthCheckRequest, HealthCheckResponse>.Create(Service, "Check");
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> Watch = Method<HealthCheckRequest, HealthCheckResponse>.Create(Service, "Watch");

    [Fact]
    public async Task Check_WholeServer_Serving()
    {
        var response = await Channel.UnaryCall(Check, new HealthCheckRequest(), Timeout());

        Assert.Equal(ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Check_UnknownService_NotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryCall(Check, new HealthCheckRequest { Service = "nope" }, Timeout()));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Watch_StatusChanges_StreamsEachChange()
    {
        var health = Server.Services.GetRequiredService<HealthService>();
        using var call = Channel.ServerStreamingCall(Watch, new HealthCheckRequest { Service = "svc" }, Timeout());

        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(ServingStatus.ServiceUnknown, call.ResponseStream.Current.Status);
        health.SetStatus("svc", ServingStatus.Serving);
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(ServingStatus.Serving, call.ResponseStream.Current.Status);
        health.SetStatus("svc", ServingStatus.NotServing);
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(ServingStatus.NotServing, call.ResponseStream.Current.Status);
    }
}
