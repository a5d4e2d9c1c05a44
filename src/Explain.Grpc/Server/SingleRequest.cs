using Google.Protobuf;

namespace Explain.Grpc.Server;

/// <summary>Reads the one request of a unary or server-streaming call and checks nothing follows it.</summary>
internal static class SingleRequest
{
    public static async Task<T> ReadAsync<T>(ServerCallContext context, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var request = await ServerMessageIO.ReadMessageAsync(context, parser, context.CancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.Internal, "Request stream ended without a message."));
        var extra = await ServerMessageIO.ReadMessageAsync(context, parser, context.CancellationToken).ConfigureAwait(false);
        if (extra is not null)
        {
            throw new RpcException(new Status(StatusCode.Internal, "More than one request message for a single-request method."));
        }

        return request;
    }
}
