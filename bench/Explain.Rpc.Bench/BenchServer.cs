using System.Net;
using Explain.Testing.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explain.Rpc.Bench;

/// <summary>
/// The grpc-dotnet Echo server in its own process, configured as the Explain hosts configure theirs
/// (Kestrel h2c, 1 MiB initial stream window), like the grpcio and grpc-js peers: prints "PORT n",
/// stops when stdin closes.
/// </summary>
public static class BenchServer
{
    public static async Task RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(new IPEndPoint(IPAddress.Loopback, 0), l => l.Protocols = HttpProtocols.Http2);
            k.Limits.Http2.InitialStreamWindowSize = 1 << 20;
            k.Limits.Http2.InitialConnectionWindowSize = 2 << 20;
        });
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 16 * 1024 * 1024);
        var app = builder.Build();
        app.MapGrpcService<EchoServer>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"PORT {new Uri(address).Port}");
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
    }

    private sealed class EchoServer : Echo.EchoBase
    {
        public override Task<EchoResponse> UnaryEcho(EchoRequest request, ServerCallContext context) => Task.FromResult(Reply(request, 0));

        public override async Task ServerStream(EchoRequest request, IServerStreamWriter<EchoResponse> responseStream, ServerCallContext context)
        {
            for (var i = 0; i < request.Count; i++)
                await responseStream.WriteAsync(Reply(request, i), context.CancellationToken);
        }
    }

    private static EchoResponse Reply(EchoRequest request, int index) => new()
    {
        Message = request.Message,
        Index = index,
        Payload = request.ResponseSize > 0 ? ByteString.CopyFrom(new byte[request.ResponseSize]) : request.Payload,
    };
}
