namespace Explain.Telemetry;

/// <summary>Settings of <see cref="Hosting.TelemetryServiceCollectionExtensions.AddExplainTelemetry"/>; the defaults fit every Explain service.</summary>
public sealed class ExplainTelemetryOptions
{
    /// <summary>service.instance.id; null means a fresh GUID per process, as the OTel resource spec suggests.</summary>
    public string? ServiceInstanceId { get; set; }

    /// <summary>Meters exported besides "Explain.*", .NET runtime, ASP.NET Core hosting and Kestrel (wildcards allowed).</summary>
    public IList<string> AdditionalMeters { get; } = [];

    /// <summary>Extra resource attributes shown on target_info (e.g. deployment.environment).</summary>
    public IDictionary<string, object> ResourceAttributes { get; } = new Dictionary<string, object>();

    /// <summary>
    /// Also export metrics and traces over OTLP. Defaults to whether OTEL_EXPORTER_OTLP_ENDPOINT is
    /// set; the exporter then reads the standard OTEL_EXPORTER_OTLP_* variables itself.
    /// </summary>
    public bool EnableOtlp { get; set; } =
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));

    /// <summary>Longest a scrape waits for the SDK to collect.</summary>
    public TimeSpan ScrapeTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
