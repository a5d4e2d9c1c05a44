namespace Explain.Grpc.Server;

/// <summary>Handler of a server-streaming call.</summary>
public delegate Task ServerStreamingServerMethod<TRequest, TResponse>(
    TRequest request, IAsyncStreamWriter<TResponse> responseStream, ServerCallContext context);
