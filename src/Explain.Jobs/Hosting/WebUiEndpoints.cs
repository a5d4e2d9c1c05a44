using System.Reflection;
using System.Security.Cryptography;
using Explain.Telemetry.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Jobs.Hosting;

/// <summary>
/// The web UI (src/Explain.Jobs/Web/wwwroot): plain HTML, CSS and JavaScript embedded in this
/// assembly, served at <c>/</c> and <c>/ui/*</c> on the HTTP port only (<c>--http-port</c>, beside the
/// JSON API it calls; the gRPC port is HTTP/2-only and no browser page). The files are public, as a
/// login page is: they hold no data, and every API call they make follows the host's auth settings.
/// A strict Content-Security-Policy keeps the page to its own origin.
/// </summary>
public static class WebUiEndpoints
{
    private const string Prefix = "web/";
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly Lazy<IReadOnlyDictionary<string, WebFile>> Files = new(Load);

    /// <summary>GET / (index.html) and GET /ui/{file}; on the HTTP port only.</summary>
    public static IEndpointRouteBuilder MapExplainWebUi(this IEndpointRouteBuilder endpoints)
    {
        var port = endpoints.ServiceProvider.GetRequiredService<MetricsPort>();
        endpoints.MapGet("/", context => Serve(context, port, "index.html")).AllowAnonymous();
        endpoints.MapGet("/ui/{file}", context => Serve(context, port, (string)context.Request.RouteValues["file"]!)).AllowAnonymous();
        return endpoints;
    }

    private static Task Serve(HttpContext context, MetricsPort port, string name)
    {
        var response = context.Response;
        if (!port.Serves(context.Connection.LocalPort) || !Files.Value.TryGetValue(name, out var file))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        response.Headers.ContentSecurityPolicy = Policy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-cache"; // revalidated with the ETag, so an upgraded server is picked up at once
        response.Headers.ETag = file.ETag;
        if (context.Request.Headers.IfNoneMatch == file.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.ContentType = file.ContentType;
        response.ContentLength = file.Bytes.Length;
        return response.Body.WriteAsync(file.Bytes, context.RequestAborted).AsTask();
    }

    private static Dictionary<string, WebFile> Load()
    {
        var assembly = typeof(WebUiEndpoints).Assembly;
        var files = new Dictionary<string, WebFile>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            byte[] bytes = copy.ToArray();
            string name = resource[Prefix.Length..];
            files[name] = new WebFile(bytes, ContentType(name), $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
        }
        return files;
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };

    private sealed record WebFile(byte[] Bytes, string ContentType, string ETag);
}
