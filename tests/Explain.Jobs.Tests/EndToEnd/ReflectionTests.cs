using Grpc.Core;
using Explain.Jobs.Tests.Support;
using Google.Protobuf.Reflection;
using Grpc.Reflection.V1;

namespace Explain.Jobs.Tests.EndToEnd;

/// <summary>Server reflection on `explain serve` lists the public API, so grpcurl-style tools work.</summary>
public sealed class ReflectionTests(ServeFixture server) : IClassFixture<ServeFixture>
{

    [Fact]
    public async Task ListServices_Serve_ListsThePublicApiHealthAndReflection()
    {
        var response = await AskAsync(new ServerReflectionRequest { ListServices = "" });

        var names = response.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("explain.v1.Explainer", names);
        Assert.Contains("explain.v1.Results", names);
        Assert.Contains("explain.v1.Models", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    [Fact]
    public async Task FileContainingSymbol_Explainer_ComesWithItsImports()
    {
        var response = await AskAsync(new ServerReflectionRequest { FileContainingSymbol = "explain.v1.Explainer" });

        var files = response.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b).Name).ToList();
        Assert.Equal("explain/v1/explainer.proto", files[0]);
        Assert.Contains("explain/v1/events.proto", files);
    }

    private async Task<ServerReflectionResponse> AskAsync(ServerReflectionRequest request)
    {
        using var call = new ServerReflection.ServerReflectionClient(server.Channel).ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(10));
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        var response = call.ResponseStream.Current;
        Assert.False(await call.ResponseStream.MoveNext());
        return response;
    }
}
