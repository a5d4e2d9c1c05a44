namespace Explain.Grpc.Server;

/// <summary>Catch-all for gRPC paths no service binds: UNIMPLEMENTED, as trailers-only.</summary>
internal sealed class UnimplementedCallHandler(GrpcServerOptions options) : ServerCallHandler(options)
{
    protected override Task HandleCoreAsync(ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, $"Method {context.Method} is unimplemented."));
}
