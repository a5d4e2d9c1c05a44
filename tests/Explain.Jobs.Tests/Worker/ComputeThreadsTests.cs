using Explain.Jobs.Worker;

namespace Explain.Jobs.Tests.Worker;

public sealed class ComputeThreadsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RunAsync_SequentialWork_ReusesOneKeptThreadOffThePool()
    {
        using var threads = new ComputeThreads(new JobsOptions { ModelStore = "unused", WorkerConcurrency = 1 });

        var first = await threads.RunAsync(() => (Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name)).WaitAsync(Timeout);
        var second = await threads.RunAsync(() => Environment.CurrentManagedThreadId).WaitAsync(Timeout);

        Assert.False(first.IsThreadPoolThread);
        Assert.Equal("explain-compute-0", first.Name);
        Assert.Equal(first.CurrentManagedThreadId, second);
    }

    [Fact]
    public async Task RunAsync_WorkThrows_TaskCarriesTheException()
    {
        using var threads = new ComputeThreads(new JobsOptions { ModelStore = "unused" });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => threads.RunAsync<int>(() => throw new ArgumentException("bad input")).WaitAsync(Timeout));
        var after = await threads.RunAsync(() => 42).WaitAsync(Timeout);

        Assert.Equal("bad input", error.Message);
        Assert.Equal(42, after);
    }

    [Fact]
    public async Task RunAsync_KeptThreadBusy_WaitsForItNeverStartsAnotherThread()
    {
        using var threads = new ComputeThreads(new JobsOptions { ModelStore = "unused", WorkerConcurrency = 1 });
        using var release = new ManualResetEventSlim();
        var busy = threads.RunAsync(() => { release.Wait(Timeout); return Thread.CurrentThread.Name; });
        await Task.Delay(50);

        var other = threads.RunAsync(() => Thread.CurrentThread.Name);
        await Task.Delay(100);
        bool ranWhileBusy = other.IsCompleted;
        release.Set();

        Assert.False(ranWhileBusy);
        Assert.Equal("explain-compute-0", await busy.WaitAsync(Timeout));
        Assert.Equal("explain-compute-0", await other.WaitAsync(Timeout));
        Assert.Equal(1, threads.Count);
    }

    [Fact]
    public async Task RunAsync_AfterDispose_FailsTheTask()
    {
        var threads = new ComputeThreads(new JobsOptions { ModelStore = "unused", WorkerConcurrency = 1 });
        threads.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => threads.RunAsync(() => 1).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Dispose_WhileWorkOutlivesTheJoin_ThreadFinishesWithoutCrashing()
    {
        var threads = new ComputeThreads(new JobsOptions { ModelStore = "unused", WorkerConcurrency = 1 });
        using var release = new ManualResetEventSlim();
        var busy = threads.RunAsync(() => { release.Wait(TimeSpan.FromSeconds(30)); return 7; });
        await Task.Delay(50);

        threads.Dispose(); // waits 5 s for the busy thread, then leaves it running
        release.Set();

        Assert.Equal(7, await busy.WaitAsync(Timeout)); // and the thread ends quietly (no unhandled exception ends this test host)
        await Task.Delay(100);
    }
}
