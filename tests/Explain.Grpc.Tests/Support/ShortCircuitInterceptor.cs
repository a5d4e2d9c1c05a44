using Explain.Grpc.Client;
using Explain.Testing.V1;
using Google.Protobuf;

namespace Explain.Grpc.Tests.Support;

/// <summary>
/// Client interceptor wrapping unary calls: answers "cached" requests itself, upper-cases the
/// response message of every other UnaryEcho, and counts the attempts it saw.
/// </summary>
public sealed class ShortCircuitInterceptor : ClientInterceptor
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    public override async Task<TResponse> UnaryCallAsync<TRequest, TResponse>(
        TRequest request, CallOptions options, Method<TRequest, TResponse> method,
        Func<TRequest, CallOptions, Task<TResponse>> continuation)
    {
        Interlocked.Increment(ref _attempts);
        if (request is EchoRequest { Message: "cached" } && new EchoResponse { Message = "from cache" } is TResponse cached)
        {
            return cached;
        }

        var response = await continuation(request, options);
        if (response is EchoResponse echo)
        {
            echo.Message = echo.Message.ToUpperInvariant();
        }

        return response;
    }
}
