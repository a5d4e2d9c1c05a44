using System.Net;
using Explain.Grpc.Hosting;
using Explain.Grpc.Server;
using Explain.Testing.V1;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explain.Grpc.Bench;

/// <summary>Our Echo server in its own process, like the grpcio and grpc-js peers: prints "PORT n", stops when stdin closes.</summary>
public static class BenchServer
{
    public static async Task RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenGrpc(new IPEndPoint(IPAddress.Loopback, 0)));
        builder.Services.AddGrpcRuntime(o => o.MaxReceiveMessageSize = 16 * 1024 * 1024);
        var app = builder.Build();
        app.MapGrpcService(EchoReflection.Descriptor.Services[0], binder => binder
            .Unary<EchoRequest, EchoResponse>("UnaryEcho", (request, _) => Task.FromResult(Reply(request, 0)))
            .ServerStreaming<EchoRequest, EchoResponse>("ServerStream", async (request, responses, context) =>
            {
                for (var i = 0; i < request.Count; i++)
                {
                    await responses.WriteAsync(Reply(request, i), context.CancellationToken);
                }
            }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"PORT {new Uri(address).Port}");
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
    }

    private static EchoResponse Reply(EchoRequest request, int index) => new()
    {
        Message = request.Message,
        Index = index,
        Payload = request.ResponseSize > 0 ? ByteString.CopyFrom(new byte[request.ResponseSize]) : request.Payload,
    };
}
