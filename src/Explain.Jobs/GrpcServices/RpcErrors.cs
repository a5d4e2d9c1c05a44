using System.Diagnostics.CodeAnalysis;
using Explain.Grpc;

namespace Explain.Jobs.GrpcServices;

/// <summary>Library failures as gRPC statuses, in one place.</summary>
public static class RpcErrors
{
    [DoesNotReturn]
    public static void Throw(JobRejectedException e) => throw new RpcException(new Status(e.Code, e.Message));

    [DoesNotReturn]
    public static void InvalidArgument(string message) => throw new RpcException(new Status(StatusCode.InvalidArgument, message));

    [DoesNotReturn]
    public static void Unavailable(Exception e) => throw new RpcException(new Status(StatusCode.Unavailable, "the message transport is unavailable: " + e.Message));

    /// <summary>The caller's deadline as an absolute time, or null when the call has none.</summary>
    public static DateTimeOffset? CallDeadline(Explain.Grpc.Server.ServerCallContext context) =>
        context.Deadline == DateTime.MaxValue ? null : new DateTimeOffset(DateTime.SpecifyKind(context.Deadline, DateTimeKind.Utc));
}
