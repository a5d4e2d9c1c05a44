namespace Explain.Grpc.Server;

/// <summary>Handler of a bidirectional-streaming call.</summary>
public delegate Task DuplexStreamingServerMethod<TRequest, TResponse>(
    IAsyncStreamReader<TRequest> requestStream, IAsyncStreamWriter<TResponse> responseStream, ServerCallContext context);
