namespace Explain.Grpc.Client;

/// <summary>What the public call objects need from a running call (or a series of retried attempts).</summary>
internal interface ICallState : IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }

    Status GetStatus();

    Metadata GetTrailers();
}
