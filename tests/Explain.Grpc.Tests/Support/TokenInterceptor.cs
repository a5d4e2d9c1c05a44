using System.Collections.Concurrent;
using Explain.Grpc.Client;

namespace Explain.Grpc.Tests.Support;

/// <summary>Client interceptor: adds a bearer token and records every final status.</summary>
public sealed class TokenInterceptor : ClientInterceptor
{
    public bool Enabled { get; set; } = true;

    public ConcurrentBag<StatusCode> Completed { get; } = [];

    public override CallOptions OnCallStarting(string method, MethodType type, CallOptions options)
    {
        if (!Enabled)
        {
            return options;
        }

        var headers = new Metadata();
        foreach (var entry in options.Headers ?? [])
        {
            headers.Add(entry);
        }

        return options with { Headers = headers.Add("authorization", "Bearer test") };
    }

    public override void OnCallCompleted(string method, MethodType type, Status status, TimeSpan elapsed) =>
        Completed.Add(status.StatusCode);
}
