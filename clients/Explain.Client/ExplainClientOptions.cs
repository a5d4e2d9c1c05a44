namespace Explain.Client;

/// <summary>Where the services are, for <see cref="ExplainClientServiceCollectionExtensions.AddExplainClient"/>.</summary>
public sealed class ExplainClientOptions
{
    /// <summary>The ingestion service (Explainer, Models); also Results when <see cref="ResultsAddress"/> is null (`explain serve`).</summary>
    public Uri Address { get; set; } = new("http://127.0.0.1:50051");

    /// <summary>The results service, when it runs apart from ingestion.</summary>
    public Uri? ResultsAddress { get; set; }

    /// <summary>Per-call timeout of the unary calls.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
