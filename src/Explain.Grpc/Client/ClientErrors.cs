using System.Net;
using System.Net.Http;

namespace Explain.Grpc.Client;

/// <summary>Maps transport failures and HTTP answers to gRPC statuses (PROTOCOL-HTTP2 and http-grpc-status-mapping).</summary>
internal static class ClientErrors
{
    public static Status FromException(Exception exception, bool deadlineExceeded, bool cancelledByCaller)
    {
        if (exception is RpcException rpc)
        {
            return rpc.Status;
        }

        if (deadlineExceeded)
        {
            return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        if (cancelledByCaller)
        {
            return new Status(StatusCode.Cancelled, "Call cancelled by the client.");
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpProtocolException protocol)
            {
                return FromHttp2ErrorCode(protocol.ErrorCode, protocol.Message);
            }
        }

        return exception switch
        {
            HttpRequestException or IOException => new Status(StatusCode.Unavailable, exception.Message),
            OperationCanceledException => new Status(StatusCode.Cancelled, exception.Message),
            _ => new Status(StatusCode.Internal, $"{exception.GetType().Name}: {exception.Message}"),
        };
    }

    /// <summary>RST_STREAM / GOAWAY error codes as listed in PROTOCOL-HTTP2 "Errors".</summary>
    public static Status FromHttp2ErrorCode(long code, string message) => code switch
    {
        0x7 => new Status(StatusCode.Unavailable, message),        // REFUSED_STREAM: safe to retry
        0x8 => new Status(StatusCode.Cancelled, message),          // CANCEL
        0xB => new Status(StatusCode.ResourceExhausted, message),  // ENHANCE_YOUR_CALM
        0xC => new Status(StatusCode.PermissionDenied, message),   // INADEQUATE_SECURITY
        _ => new Status(StatusCode.Internal, message),
    };

    /// <summary>The status for a response without grpc-status, from its HTTP code.</summary>
    public static Status FromHttpStatus(HttpStatusCode code)
    {
        var grpc = code switch
        {
            HttpStatusCode.BadRequest => StatusCode.Internal,
            HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
            HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
            HttpStatusCode.NotFound => StatusCode.Unimplemented,
            HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
                or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
            _ => StatusCode.Unknown,
        };
        return new Status(grpc, $"Bad gRPC response. HTTP status code: {(int)code}");
    }
}
