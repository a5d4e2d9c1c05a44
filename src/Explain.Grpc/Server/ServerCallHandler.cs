using Explain.Grpc.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Explain.Grpc.Server;

/// <summary>
/// Runs one call: checks HTTP/2 and content-type, builds the context (deadline, metadata,
/// encodings), runs the call-type core, maps exceptions to a status and ends the call once
/// through <see cref="CallCompletion"/> (trailers, or trailers-only when nothing was sent yet,
/// chosen in <see cref="CallStatusWriter"/>). Subclasses implement only the core.
/// </summary>
public abstract class ServerCallHandler(GrpcServerOptions options)
{
    protected GrpcServerOptions Options { get; } = options;

    /// <summary>Entry point used by the endpoint for this method.</summary>
    public async Task HandleCallAsync(HttpContext httpContext)
    {
        if (!await GrpcRequestValidator.ValidateAsync(httpContext).ConfigureAwait(false))
        {
            return;
        }

        LiftHttpBodyLimits(httpContext);
        var timeoutHeader = httpContext.Request.Headers[GrpcProtocol.TimeoutHeader].FirstOrDefault();
        TimeSpan? timeout = null;
        if (timeoutHeader is not null)
        {
            timeout = GrpcTimeout.TryParse(timeoutHeader, out var parsed) ? parsed : null;
        }

        using var context = new ServerCallContext(httpContext, Options, httpContext.Request.Path.Value ?? "", timeout);
        context.Completion.ArmDeadline();
        Status status;
        try
        {
            if (timeoutHeader is not null && timeout is null)
            {
                throw new RpcException(new Status(StatusCode.Internal, $"Malformed grpc-timeout '{timeoutHeader}'."));
            }

            if (!MessageCompression.IsSupported(context.RequestEncoding))
            {
                throw new RpcException(new Status(StatusCode.Unimplemented,
                    $"Unsupported grpc-encoding '{context.RequestEncoding}'; supported: {GrpcProtocol.SupportedEncodings}."));
            }

            await HandleCoreAsync(context).ConfigureAwait(false);
            status = context.DeadlineExceeded ? CallCompletion.DeadlineStatus : context.Status;
        }
        catch (Exception ex)
        {
            status = MapException(ex, context);
        }

        await context.Completion.CompleteAsync(status).ConfigureAwait(false);
    }

    /// <summary>
    /// A gRPC request body is a message stream that may stay open for hours: Kestrel's whole-body size
    /// cap (30 MB) and minimum data rate are for plain HTTP bodies and would cut streams short.
    /// Per-message limits apply instead.
    /// </summary>
    private static void LiftHttpBodyLimits(HttpContext httpContext)
    {
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (httpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }
    }

    /// <summary>The call-type specific work: read requests, invoke the handler, write responses.</summary>
    protected abstract Task HandleCoreAsync(ServerCallContext context);

    private Status MapException(Exception exception, ServerCallContext context)
    {
        if (exception is RpcException rpc)
        {
            foreach (var entry in rpc.Trailers)
            {
                context.ResponseTrailers.Add(entry);
            }

            return rpc.Status;
        }

        if (context.DeadlineExceeded)
        {
            return CallCompletion.DeadlineStatus;
        }

        if (exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            return new Status(StatusCode.Cancelled, "Call cancelled");
        }

        var detail = Options.EnableDetailedErrors
            ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
            : "Exception was thrown by handler.";
        return new Status(StatusCode.Unknown, detail);
    }
}
