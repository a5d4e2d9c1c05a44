using Explain.Grpc.Server;
using Explain.Testing.V1;
using Google.Protobuf;

namespace Explain.Grpc.Tests.Support;

/// <summary>Server side of explain.testing.v1.Echo; records what tests need to observe (cancellations).</summary>
public sealed class EchoService
{
    /// <summary>Completes when a Sleep handler has started.</summary>
    public TaskCompletionSource SleepStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a Sleep handler saw its cancellation token fire.</summary>
    public TaskCompletionSource SleepCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static void Bind(ServiceBinder binder, EchoService service) => binder
        .Unary<EchoRequest, EchoResponse>("UnaryEcho", service.UnaryEcho)
        .ServerStreaming<EchoRequest, EchoResponse>("ServerStream", service.ServerStream)
        .ClientStreaming<EchoRequest, EchoResponse>("ClientStream", service.ClientStream)
        .DuplexStreaming<EchoRequest, EchoResponse>("BidiEcho", service.BidiEcho)
        .Unary<StatusRequest, Empty>("ReturnStatus", service.ReturnStatus)
        .Unary<SleepRequest, Empty>("Sleep", service.Sleep)
        .Unary<Empty, Empty>("EchoMetadata", service.EchoMetadata);

    public Task<EchoResponse> UnaryEcho(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(Reply(request, 0));

    public async Task ServerStream(EchoRequest request, IAsyncStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            bool flush = request.FlushEvery <= 1 || (i + 1) % request.FlushEvery == 0;
            await responses.WriteAsync(Reply(request, i), flush, context.CancellationToken);
        }
    }

    public async Task<EchoResponse> ClientStream(IAsyncStreamReader<EchoRequest> requests, ServerCallContext context)
    {
        var messages = new List<string>();
        long bytes = 0;
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            messages.Add(request.Message);
            bytes += request.Payload.Length;
        }

        return new EchoResponse { Message = string.Join(",", messages), Index = messages.Count, Payload = ByteString.CopyFromUtf8(bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
    }

    public async Task BidiEcho(IAsyncStreamReader<EchoRequest> requests, IAsyncStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        var index = 0;
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            await responses.WriteAsync(Reply(request, index++), context.CancellationToken);
        }
    }

    public Task<Empty> ReturnStatus(StatusRequest request, ServerCallContext context)
    {
        if (request.Code == 100)
        {
            throw new InvalidOperationException("handler bug");
        }

        if (request.Code == 0)
        {
            return Task.FromResult(new Empty());
        }

        var trailers = new Metadata().Add("x-error-detail", "detail").Add("x-error-bin", [0, 1, 2, 255]);
        throw new RpcException(new Status((StatusCode)request.Code, request.Message), trailers);
    }

    public async Task<Empty> Sleep(SleepRequest request, ServerCallContext context)
    {
        SleepStarted.TrySetResult();
        if (request.IgnoreCancellation)
        {
            await Task.Delay(request.Milliseconds, CancellationToken.None);
            return new Empty();
        }

        try
        {
            await Task.Delay(request.Milliseconds, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            SleepCancelled.TrySetResult();
            throw;
        }

        return new Empty();
    }

    public async Task<Empty> EchoMetadata(Empty request, ServerCallContext context)
    {
        var headers = new Metadata();
        foreach (var entry in context.RequestHeaders.Where(e => e.Key.StartsWith("x-", StringComparison.Ordinal)))
        {
            if (entry.IsBinary)
            {
                context.ResponseTrailers.Add(entry);
            }
            else
            {
                headers.Add(entry);
            }
        }

        await context.WriteResponseHeadersAsync(headers);
        return new Empty();
    }

    private static EchoResponse Reply(EchoRequest request, int index) => new()
    {
        Message = request.Message,
        Index = index,
        Payload = request.ResponseSize > 0 ? ByteString.CopyFrom(new byte[request.ResponseSize]) : request.Payload,
    };
}
