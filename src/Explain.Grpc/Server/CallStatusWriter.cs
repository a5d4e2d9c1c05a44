using Explain.Grpc.Protocol;
using Microsoft.AspNetCore.Http;

namespace Explain.Grpc.Server;

/// <summary>Writes the status and trailing metadata that end a call.</summary>
internal static class CallStatusWriter
{
    /// <summary>The one place that chooses trailers (after headers/messages) or trailers-only.</summary>
    public static void Write(ServerCallContext context, Status status)
    {
        var response = context.HttpContext.Response;
        var trailersOnly = !context.ResponseHeadersSent && !response.HasStarted;
        if (trailersOnly)
        {
            context.ResponseCompression = null;
            context.PrepareResponseHeaders();
        }

        void Set(string name, string value)
        {
            if (trailersOnly)
            {
                response.Headers.Append(name, value);
            }
            else
            {
                response.AppendTrailer(name, value);
            }
        }

        Set(GrpcProtocol.StatusTrailer, ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(status.Detail))
        {
            Set(GrpcProtocol.MessageTrailer, PercentEncoding.Encode(status.Detail));
        }

        foreach (var entry in context.ResponseTrailers)
        {
            Set(entry.Key, MetadataHeaders.ToHeaderValue(entry));
        }
    }
}
