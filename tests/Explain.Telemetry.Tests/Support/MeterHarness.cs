using System.Diagnostics.Metrics;
using Explain.Telemetry.Prometheus;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Explain.Telemetry.Tests.Support;

/// <summary>
/// A private meter (unique name) read by a meter provider with only the Prometheus reader and a
/// fixed resource, so a scrape's text is exactly predictable.
/// </summary>
public sealed class MeterHarness : IDisposable
{
    private readonly MeterProvider _provider;
    private readonly PrometheusMetricReader _reader = new();

    public MeterHarness(Func<Instrument, MetricStreamConfiguration?>? view = null)
    {
        Meter = new Meter("Test.Exposition." + Guid.NewGuid().ToString("N"));
        var builder = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.Clear().AddService("test-svc", serviceInstanceId: "instance-1", autoGenerateServiceInstanceId: false))
            .AddMeter(Meter.Name)
            .AddReader(_reader);
        if (view is not null)
        {
            builder.AddView(view);
        }

        _provider = builder.Build();
    }

    public Meter Meter { get; }

    /// <summary>The resource's target_info, appended to every scrape.</summary>
    public const string TargetInfo =
        "# HELP target_info Target metadata\n" +
        "# TYPE target_info gauge\n" +
        "target_info{service_name=\"test-svc\",service_instance_id=\"instance-1\"} 1\n";

    public string Scrape() => _reader.Scrape();

    public void Dispose()
    {
        _provider.Dispose();
        Meter.Dispose();
    }
}
