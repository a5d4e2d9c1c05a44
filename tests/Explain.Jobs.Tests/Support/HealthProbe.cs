using Grpc.Health.V1;
using Serving = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Explain.Jobs.Tests.Support;

/// <summary>grpc.health.v1 Check from tests: one answer, or polling until a service reaches a status.</summary>
public static class HealthProbe
{
    public static async Task<Serving> StatusAsync(this Grpc.Health.V1.Health.HealthClient health, string service) =>
        (await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(5))).Status;

    /// <summary>Asks every <paramref name="pollMs"/> ms until <paramref name="service"/> is <paramref name="expected"/>; fails after <paramref name="timeoutSeconds"/>.</summary>
    public static async Task WaitForStatusAsync(this Grpc.Health.V1.Health.HealthClient health, string service, Serving expected, int timeoutSeconds = 60, int pollMs = 50)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Serving last;
        while ((last = await health.StatusAsync(service)) != expected)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(timeoutSeconds))
                Assert.Fail($"health of '{service}' stayed {last}, expected {expected}");
            await Task.Delay(pollMs);
        }
    }
}
