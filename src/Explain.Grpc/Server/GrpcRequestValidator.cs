using Explain.Grpc.Protocol;
using Microsoft.AspNetCore.Http;

namespace Explain.Grpc.Server;

/// <summary>
/// Checks that a request is a gRPC call at all (POST, gRPC content-type, HTTP/2) before any call
/// state exists. Failures are plain HTTP errors, as PROTOCOL-HTTP2 allows when no call was started:
/// 405, 415 (which clients map from content-type mismatches) and 426.
/// </summary>
internal static class GrpcRequestValidator
{
    public static async Task<bool> ValidateAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            await RejectAsync(httpContext, StatusCodes.Status405MethodNotAllowed, "gRPC requires POST.").ConfigureAwait(false);
            return false;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            await RejectAsync(httpContext, StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type '{request.ContentType}' is not supported.").ConfigureAwait(false);
            return false;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            await RejectAsync(httpContext, StatusCodes.Status426UpgradeRequired,
                $"Request protocol '{request.Protocol}' is not supported; gRPC needs HTTP/2.").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    private static Task RejectAsync(HttpContext httpContext, int statusCode, string message)
    {
        httpContext.Response.StatusCode = statusCode;
        httpContext.Response.ContentType = "text/plain";
        return httpContext.Response.WriteAsync(message);
    }
}
