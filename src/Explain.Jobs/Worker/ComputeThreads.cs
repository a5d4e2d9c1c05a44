using System.Collections.Concurrent;

namespace Explain.Jobs.Worker;

/// <summary>
/// The worker's compute threads: as many dedicated threads as jobs run at once, started once and
/// kept, and never more. CPU-bound work of seconds must not run on the thread pool that serves
/// gRPC calls and broker callbacks, and starting a new thread per job cost 0.3–3 ms of every
/// job's latency. A cancelled job's computation stops within one operator (the explainer checks
/// the job's token) and its job waits for that before ending, so work never finds every thread
/// taken by computations nobody wants: it queues for the next free thread instead.
/// </summary>
public sealed class ComputeThreads : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread[] _threads;

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

    /// <summary>The number of compute threads (the configured concurrency).</summary>
    public int Count => _threads.Length;

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

        try
        {
            _work.Add(Execute);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            done.SetException(new ObjectDisposedException(nameof(ComputeThreads), "the compute threads are shut down"));
        }

        return done.Task;
    }

    /// <summary>
    /// Lets queued work finish and ends the threads. A thread still busy after a few seconds is
    /// left to finish on its own; it is a background thread.
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

    private void Run()
    {
        while (_work.TryTake(out var work, Timeout.Infinite))
            work();
    }
}
