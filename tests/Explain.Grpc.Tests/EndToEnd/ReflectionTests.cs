using Explain.Grpc.Tests.Support;
using Google.Protobuf.Reflection;
using V1 = Grpc.Reflection.V1;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace Explain.Grpc.Tests.EndToEnd;

public sealed class ReflectionTests : ServerFixture
{
    private static readonly Method<V1.ServerReflectionRequest, V1.ServerReflectionResponse> InfoV1 =
        Method<V1.ServerReflectionRequest, V1.ServerReflectionResponse>.Create(V1.ReflectionReflection.Descriptor.Services[0], "ServerReflectionInfo");

    private static readonly Method<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse> InfoV1Alpha =
        Method<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse>.Create(V1Alpha.ReflectionReflection.Descriptor.Services[0], "ServerReflectionInfo");

    [Fact]
    public async Task ListServices_V1_ListsEchoHealthAndReflection()
    {
        var response = await AskV1(new V1.ServerReflectionRequest { ListServices = "" });

        var names = response.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("explain.testing.v1.Echo", names);
        Assert.Contains("grpc.health.v1.Health", names);
        Assert.Contains("grpc.reflection.v1.ServerReflection", names);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", names);
    }

    [Fact]
    public async Task FileContainingSymbol_V1_ReturnsEchoProto()
    {
        var response = await AskV1(new V1.ServerReflectionRequest { FileContainingSymbol = "explain.testing.v1.Echo" });

        var file = FileDescriptorProto.Parser.ParseFrom(response.FileDescriptorResponse.FileDescriptorProto[0]);
        Assert.Equal("explain/testing/v1/echo.proto", file.Name);
        Assert.Contains(file.Service, s => s.Name == "Echo");
        var names = response.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b).Name);
        Assert.Contains("google/protobuf/timestamp.proto", names); // the transitive import comes along
    }

    [Theory]
    [InlineData("explain.testing.v1.Echo.UnaryEcho")]
    [InlineData("explain.testing.v1.EchoRequest")]
    [InlineData("grpc.health.v1.HealthCheckResponse.ServingStatus")]
    public async Task FileContainingSymbol_MethodMessageOrNestedEnum_Found(string symbol)
    {
        var response = await AskV1(new V1.ServerReflectionRequest { FileContainingSymbol = symbol });

        Assert.NotEmpty(response.FileDescriptorResponse.FileDescriptorProto);
    }

    [Fact]
    public async Task FileByFilename_V1_ReturnsFile()
    {
        var response = await AskV1(new V1.ServerReflectionRequest { FileByFilename = "grpc/health/v1/health.proto" });

        var file = FileDescriptorProto.Parser.ParseFrom(response.FileDescriptorResponse.FileDescriptorProto[0]);
        Assert.Equal("grpc.health.v1", file.Package);
    }

    [Fact]
    public async Task FileContainingSymbol_Unknown_ErrorResponseNotFound()
    {
        var response = await AskV1(new V1.ServerReflectionRequest { FileContainingSymbol = "no.Such" });

        Assert.Equal((int)StatusCode.NotFound, response.ErrorResponse.ErrorCode);
    }

    [Fact]
    public async Task ListServices_V1Alpha_SameServices()
    {
        using var call = Channel.DuplexStreamingCall(InfoV1Alpha, Timeout());
        await call.RequestStream.WriteAsync(new V1Alpha.ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.WriteAsync(new V1Alpha.ServerReflectionRequest { FileByFilename = "explain/testing/v1/echo.proto" });
        await call.RequestStream.CompleteAsync();

        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "explain.testing.v1.Echo");
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(
            ["explain/testing/v1/echo.proto", "google/protobuf/timestamp.proto"],
            call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b).Name));
        Assert.False(await call.ResponseStream.MoveNext());
    }

    private async Task<V1.ServerReflectionResponse> AskV1(V1.ServerReflectionRequest request)
    {
        using var call = Channel.DuplexStreamingCall(InfoV1, Timeout());
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        var response = call.ResponseStream.Current;
        Assert.False(await call.ResponseStream.MoveNext());
        return response;
    }
}
