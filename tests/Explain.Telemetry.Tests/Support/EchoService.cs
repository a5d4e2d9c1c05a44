using Explain.Testing.V1;
using Grpc.Core;

namespace Explain.Telemetry.Tests.Support;

/// <summary>The few Echo methods the telemetry tests call: a quick one, a status one, a slow one, a stream.</summary>
public sealed class EchoService : Echo.EchoBase
{
    public override Task<EchoResponse> UnaryEcho(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(new EchoResponse { Message = request.Message });

    public override async Task ServerStream(EchoRequest request, IServerStreamWriter<EchoResponse> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
            await responseStream.WriteAsync(new EchoResponse { Message = request.Message, Index = i }, context.CancellationToken);
    }

    public override Task<Empty> ReturnStatus(StatusRequest request, ServerCallContext context) =>
        request.Code switch
        {
            0 => Task.FromResult(new Empty()),
            100 => throw new InvalidOperationException("handler bug"),
            _ => throw new RpcException(new Status((StatusCode)request.Code, request.Message)),
        };

    public override async Task<Empty> Sleep(SleepRequest request, ServerCallContext context)
    {
        await Task.Delay(request.Milliseconds, context.CancellationToken);
        return new Empty();
    }
}
