using Explain.Jobs.Results;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Jobs.Tests.Support;

/// <summary>`explain serve` with a 2 s Watch stall timeout and a 4 MiB Watch buffer, so slow readers are ended quickly.</summary>
public sealed class BoundedMemoryServeFixture : ServeFixture
{
    public const long WatchBufferBytes = 4L << 20;

    public static readonly TimeSpan WatchStall = TimeSpan.FromSeconds(2);

    protected override JobsOptions Options => base.Options with { WatchStallTimeout = WatchStall, WatchBufferBytes = WatchBufferBytes };

    private Task<string>? _bigJob;

    public ResultsIndex Index => Host.Services.GetRequiredService<ResultsIndex>();

    /// <summary>The <see cref="BigPhoto"/> job, run once to its end; its id.</summary>
    public Task<string> BigJobAsync() => _bigJob ??= RunBigJobAsync();

    private async Task<string> RunBigJobAsync()
    {
        var ticket = await Client.SubmitAsync(BigPhoto.Request());
        await Client.WatchAllAsync(ticket.JobId, timeoutSeconds: 600);
        return ticket.JobId;
    }
}
