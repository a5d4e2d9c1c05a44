using System.Globalization;
using Explain.Testing.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Empty = Explain.Testing.V1.Empty;

namespace Explain.Interop.Tests.Support;

/// <summary>
/// explain.testing.v1.Echo on grpc-dotnet (a singleton, so tests can observe what handlers saw).
/// The grpcio and grpc-js servers in clients/interop implement the same semantics.
/// </summary>
public sealed class EchoService : Echo.EchoBase
{
    /// <summary>Completes when a Sleep handler saw its cancellation token fire (deadline or client cancel).</summary>
    public TaskCompletionSource SleepCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task<EchoResponse> UnaryEcho(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(Reply(request, 0));

    public override async Task ServerStream(EchoRequest request, IServerStreamWriter<EchoResponse> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            // BufferHint leaves a message in Kestrel's buffer until the next flush or the end of the call.
            bool flush = request.FlushEvery <= 1 || (i + 1) % request.FlushEvery == 0;
            responseStream.WriteOptions = flush ? null : new WriteOptions(WriteFlags.BufferHint);
            await responseStream.WriteAsync(Reply(request, i), context.CancellationToken);
        }
    }

    public override async Task<EchoResponse> ClientStream(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context)
    {
        var messages = new List<string>();
        long bytes = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            messages.Add(request.Message);
            bytes += request.Payload.Length;
        }

        return new EchoResponse
        {
            Message = string.Join(",", messages),
            Index = messages.Count,
            Payload = ByteString.CopyFromUtf8(bytes.ToString(CultureInfo.InvariantCulture)),
        };
    }

    public override async Task BidiEcho(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoResponse> responseStream, ServerCallContext context)
    {
        var index = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(Reply(request, index++), context.CancellationToken);
        }
    }

    /// <summary>
    /// Fails with the requested code, the message as status text, two custom trailers and a
    /// google.rpc.Status in grpc-status-details-bin (a BadRequest naming the field, as AIP-193
    /// asks), the way src/Explain.Jobs/GrpcServices/RpcErrors.cs reports errors.
    /// </summary>
    public override Task<Empty> ReturnStatus(StatusRequest request, ServerCallContext context)
    {
        if (request.Code == 0)
        {
            return Task.FromResult(new Empty());
        }

        var details = new Google.Rpc.Status { Code = request.Code, Message = request.Message };
        details.Details.Add(Any.Pack(new BadRequest
        {
            FieldViolations = { new BadRequest.Types.FieldViolation { Field = "code", Description = request.Message } },
        }));
        var trailers = new Metadata { { "x-error-detail", "detail" }, { "x-error-bin", new byte[] { 0, 1, 2, 255 } } };
        trailers.SetRpcStatus(details);
        throw new RpcException(new Grpc.Core.Status((StatusCode)request.Code, request.Message), trailers);
    }

    public override async Task<Empty> Sleep(SleepRequest request, ServerCallContext context)
    {
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

    public override async Task<Empty> EchoMetadata(Empty request, ServerCallContext context)
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

    // NotBound is left to EchoBase, whose generated default answers UNIMPLEMENTED.
    private static EchoResponse Reply(EchoRequest request, int index) => new()
    {
        Message = request.Message,
        Index = index,
        Payload = request.ResponseSize > 0 ? ByteString.CopyFrom(new byte[request.ResponseSize]) : request.Payload,
    };
}
