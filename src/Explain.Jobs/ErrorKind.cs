namespace Explain.Jobs;

/// <summary>
/// Why a request or a job failed, in the domain's words. The numbers are the canonical codes of
/// google.rpc.Code (grpc/doc/statuscodes.md) because FAILED events carry them on the wire
/// (events.proto's ErrorStatus); GrpcServices/RpcErrors is the one place that turns a kind into a
/// gRPC status, so nothing below the gRPC edge names a type of the RPC layer.
/// </summary>
public enum ErrorKind
{
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}
