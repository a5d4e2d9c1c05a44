using System.Diagnostics.CodeAnalysis;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Explain.Jobs.GrpcServices;

/// <summary>
/// The one place where the domain's failures become gRPC statuses: the error kind gives the code,
/// and the rejection's details travel as google.rpc.Status in grpc-status-details-bin (AIP-193):
/// ErrorInfo (the reason) always, BadRequest naming the field for INVALID_ARGUMENT, ResourceInfo
/// for NOT_FOUND, QuotaFailure and RetryInfo for RESOURCE_EXHAUSTED.
/// </summary>
public static class RpcErrors
{
    public const string Domain = "explain.v1";

    /// <summary>Longest message text a status carries; user-supplied names are echoed in messages.</summary>
    public const int MaxMessageLength = 400;

    /// <summary>The detail messages statuses carry, for JSON transcoding's error bodies (google.protobuf.Any needs them).</summary>
    public static TypeRegistry DetailTypes { get; } = TypeRegistry.FromMessages(
        ErrorInfo.Descriptor, BadRequest.Descriptor, ResourceInfo.Descriptor, QuotaFailure.Descriptor, RetryInfo.Descriptor);

    public static RpcException ToRpcException(JobRejectedException e)
    {
        string message = Shorten(e.Message);
        var status = new Google.Rpc.Status { Code = (int)e.Kind, Message = message };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = e.Reason, Domain = Domain }));
        if (e.Field is { } field)
            status.Details.Add(Any.Pack(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = message } } }));
        if (e.Resource is var (type, name))
            status.Details.Add(Any.Pack(new ResourceInfo { ResourceType = type, ResourceName = Shorten(name), Description = message }));
        if (e.QuotaSubject is { } subject)
            status.Details.Add(Any.Pack(new QuotaFailure { Violations = { new QuotaFailure.Types.Violation { Subject = subject, Description = e.QuotaDescription ?? message } } }));
        if (e.RetryAfter is { } retry)
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retry) }));
        return status.ToRpcException();
    }

    [DoesNotReturn]
    public static void Throw(JobRejectedException e) => throw ToRpcException(e);

    /// <summary>The caller's deadline as an absolute time, or null when the call has none.</summary>
    public static DateTimeOffset? CallDeadline(ServerCallContext context) =>
        context.Deadline == DateTime.MaxValue ? null : new DateTimeOffset(DateTime.SpecifyKind(context.Deadline, DateTimeKind.Utc));

    private static string Shorten(string text) => text.Length <= MaxMessageLength ? text : string.Concat(text.AsSpan(0, MaxMessageLength - 1), "…");
}
