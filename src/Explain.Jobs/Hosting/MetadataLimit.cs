using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Explain.Jobs.Hosting;

/// <summary>
/// Request metadata (headers) limits that fail the one call, not the connection. Kestrel decodes
/// HPACK statefully, so a header block it stops reading half-way would corrupt the connection's
/// compression state: over its limits it tears the whole HTTP/2 connection down with every stream
/// on it — but since dotnet/aspnetcore#44668 it reads up to twice
/// <see cref="KestrelServerLimits.MaxRequestHeadersTotalSize"/> and answers HTTP 431 on the stream
/// alone, and a single field over <see cref="Http2Limits.MaxRequestHeaderFieldSize"/> (16 KiB by
/// default) is always a connection error (COMPRESSION_ERROR). So Kestrel is given room above the
/// API's limit: total 2 × <see cref="JobLimits.MaxMetadataBytes"/> (hard end at twice that) and a
/// field as large as that hard end, and the API's own limit is checked here, answering
/// RESOURCE_EXHAUSTED on the stream. Sizes count as HTTP/2's SETTINGS_MAX_HEADER_LIST_SIZE does
/// (RFC 9113 §6.5.2: name + value + 32 octets per field). What a caller sees:
/// up to the limit, the call runs; up to 2× it, RESOURCE_EXHAUSTED; Kestrel advertises 2× as
/// SETTINGS_MAX_HEADER_LIST_SIZE, and the grpc-dotnet client refuses to send more (INTERNAL,
/// locally; measured in MetadataLimitTests). A client that ignores the setting gets Kestrel's 431
/// on the stream up to 4× and, beyond, a closed connection (not tested: it needs a raw HTTP/2 client).
/// </summary>
public static class MetadataLimit
{
    /// <summary>RFC 9113 §6.5.2's per-field overhead.</summary>
    private const int FieldOverhead = 32;

    public static void Configure(KestrelServerLimits kestrel, JobLimits limits)
    {
        kestrel.MaxRequestHeadersTotalSize = 2 * limits.MaxMetadataBytes;
        kestrel.Http2.MaxRequestHeaderFieldSize = 4 * limits.MaxMetadataBytes;
    }

    /// <summary>Refuses gRPC calls whose metadata is over <see cref="JobLimits.MaxMetadataBytes"/> with RESOURCE_EXHAUSTED (a trailers-only response).</summary>
    public static IApplicationBuilder UseMetadataLimit(this IApplicationBuilder app, JobLimits limits) => app.Use(async (context, next) =>
    {
        long size = Size(context.Request);
        if (size <= limits.MaxMetadataBytes || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            await next(context);
            return;
        }
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = context.Request.ContentType;
        response.Headers["grpc-status"] = "8";
        response.Headers["grpc-message"] = Uri.EscapeDataString($"request metadata is {size} bytes, over the limit of {limits.MaxMetadataBytes} (name + value + 32 per entry)");
    });

    private static long Size(HttpRequest request)
    {
        long size = 0;
        foreach (var (name, values) in request.Headers)
            foreach (var value in values)
                size += name.Length + (value?.Length ?? 0) + FieldOverhead;
        return size;
    }
}
