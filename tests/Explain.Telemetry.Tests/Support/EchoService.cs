using Explain.Grpc;
using Explain.Grpc.Server;
using Explain.Testing.V1;

namespace Explain.Telemetry.Tests.Support;

/// <summary>The few Echo methods the telemetry tests call: a quick one, a status one, a slow one, a stream.</summary>
public static class EchoService
{
    public static void Bind(ServiceBinder binder) => binder
        .Unary<EchoRequest, EchoResponse>("UnaryEcho", (request, _) => Task.FromResult(new EchoResponse { Message = request.Message }))
        .ServerStreaming<EchoRequest, EchoResponse>("ServerStream", ServerStream)
        .Unary<StatusRequest, Empty>("ReturnStatus", ReturnStatus)
        .Unary<SleepRequest, Empty>("Sleep", Sleep);

    private static async Task ServerStream(EchoRequest request, IAsyncStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            await responses.WriteAsync(new EchoResponse { Message = request.Message, Index = i }, context.CancellationToken);
        }
    }

    private static Task<Empty> ReturnStatus(StatusRequest request, ServerCallContext context) =>
        request.Code switch
        {
            0 => Task.FromResult(new Empty()),
            100 => throw new InvalidOperationException("handler bug"),
            _ => throw new RpcException(new Status((StatusCode)request.Code, request.Message)),
        };

    private static async Task<Empty> Sleep(SleepRequest request, ServerCallContext context)
    {
        await Task.Delay(request.Milliseconds, context.CancellationToken);
        return new Empty();
    }
}
