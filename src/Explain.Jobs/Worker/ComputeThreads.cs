using System.Collections.Concurrent;

namespace Explain.Jobs.Worker;

/// <summary>
/// The worker's compute threads: as many dedicated threads as jobs run at once, started once and
/// kept. CPU-bound work of seconds must not run on the thread pool that serves gRPC calls and
/// broker callbacks, and starting a new thread per job cost 0.3–3 ms of every job's latency.
/// When every kept thread is busy (a cancelled job's computation still running to its end), the
/// work gets a thread of its own rather than waiting behind it.
/// </summary>
public sealed class ComputeThreads : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread[] _threads;
    private int _idle; // kept threads waiting for work that no caller has claimed yet

    public ComputeThreads(JobsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _threads = new Thread[Math.Max(1, options.WorkerConcurrency)];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Run) { IsBackground = true, Name = $"explain-compute-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Runs <paramref name="work"/> on a compute thread; the task carries its result or exception.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Execute()
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }

        if (TryClaimIdle())
            _work.Add(Execute);
        else
            new Thread(Execute) { IsBackground = true, Name = "explain-compute-extra" }.Start();
        return done.Task;
    }

    /// <summary>
    /// Lets queued work finish and ends the threads. A thread still busy after a few seconds (a
    /// cancelled job's computation) is left to finish on its own; it is a background thread.
    /// </summary>
    public void Dispose()
    {
        _work.CompleteAdding();
        bool allEnded = true;
        foreach (var thread in _threads)
            allEnded &= thread.Join(TimeSpan.FromSeconds(5));
        if (allEnded)
            _work.Dispose();
    }

    private bool TryClaimIdle()
    {
        while (true)
        {
            int idle = Volatile.Read(ref _idle);
            if (idle == 0 || _work.IsAddingCompleted)
                return false;
            if (Interlocked.CompareExchange(ref _idle, idle - 1, idle) == idle)
                return true;
        }
    }

    private void Run()
    {
        while (true)
        {
            Interlocked.Increment(ref _idle);
            if (!_work.TryTake(out var work, Timeout.Infinite))
                return;
            work();
        }
    }
}
