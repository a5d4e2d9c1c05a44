namespace Explain.Grpc;

/// <summary>The request stream of a client- or bidi-streaming call.</summary>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>Half-closes the call: tells the server no more requests will come.</summary>
    Task CompleteAsync();
}
