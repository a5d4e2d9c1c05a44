namespace Explain.Grpc.Server;

/// <summary>Handler of a unary call.</summary>
public delegate Task<TResponse> UnaryServerMethod<TRequest, TResponse>(TRequest request, ServerCallContext context);
