using System.Diagnostics;
using Explain.Cam;
using Spectre.Console;

namespace Explain.Cli.Terminal;

/// <summary>
/// Progress of a command's long steps (model load, each explanation stage, perturbation batches):
/// Spectre.Console bars with rate and ETA on a terminal, plain lines on stderr otherwise, at most
/// one line per stage every two seconds so logs stay readable.
/// </summary>
internal sealed class ProgressView : IProgress<ExplainProgress>
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(2);
    private readonly CliConsole _console;
    private readonly ProgressContext? _context;
    private readonly Dictionary<string, ProgressTask> _tasks = [];
    private static readonly TimeSpan QuietStage = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, (TimeSpan Start, TimeSpan LastLine)> _plain = [];
    private TimeSpan _lastReport;
    private string _prefix = "";

    private ProgressView(CliConsole console, ProgressContext? context)
    {
        _console = console;
        _context = context;
    }

    /// <summary>Runs <paramref name="work"/> with a progress view suited to the console.</summary>
    public static T Run<T>(CliConsole console, Func<ProgressView, T> work)
    {
        if (!console.Interactive)
            return work(new ProgressView(console, null));
        return AnsiConsole.Progress()
            .AutoClear(false).HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RateColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context => work(new ProgressView(console, context)));
    }

    /// <summary>As <see cref="Run{T}"/> for asynchronous work (`explain submit` reading a job's events).</summary>
    public static async Task<T> RunAsync<T>(CliConsole console, Func<ProgressView, Task<T>> work)
    {
        if (!console.Interactive)
            return await work(new ProgressView(console, null));
        return await AnsiConsole.Progress()
            .AutoClear(false).HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RateColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(context => work(new ProgressView(console, context)));
    }

    /// <summary>True when this view draws bars (a terminal), false when it prints plain lines.</summary>
    public bool Live => _context is not null;

    /// <summary>Stage names that follow are about this input (several inputs in one run).</summary>
    public void Input(string name) => _prefix = name + ": ";

    /// <summary>Runs a step with no measurable parts (model load) as one task.</summary>
    public T Step<T>(string name, Func<T> step)
    {
        Report(new ExplainProgress(name, 0, 1));
        var value = step();
        Report(new ExplainProgress(name, 1, 1));
        return value;
    }

    /// <summary>A result line, printed above the bars on a terminal.</summary>
    public void Line(string text)
    {
        if (_context is null)
            _console.Out.WriteLine(text);
        else
            AnsiConsole.WriteLine(text);
    }

    public void Report(ExplainProgress value)
    {
        string key = _prefix + value.Stage;
        if (_context is not null)
        {
            if (!_tasks.TryGetValue(key, out var task))
                _tasks[key] = task = _context.AddTask(Markup.Escape(key), maxValue: Math.Max(1, value.Total));
            task.MaxValue = Math.Max(1, value.Total);
            task.IsIndeterminate = value.Done == 0 && value.Total == 1;
            task.Increment(value.Done - task.Value);
            if (value.Done >= value.Total)
                task.StopTask();
            return;
        }
        // A stage ran since the previous report: stages report when they end, batches after each chunk.
        var now = _clock.Elapsed;
        if (!_plain.TryGetValue(key, out var state))
            _plain[key] = state = (_lastReport, _lastReport);
        _lastReport = now;
        var elapsed = now - state.Start;
        bool finished = value.Done >= value.Total;
        bool batched = value.Total > 1;
        if (value.Done == 0 || (!finished && now - state.LastLine < PlainInterval) || (finished && !batched && elapsed < QuietStage && !key.StartsWith("loading", StringComparison.Ordinal)))
            return;
        _plain[key] = (state.Start, now);
        _console.Error.WriteLine(finished ? $"  {key} done in {elapsed.TotalSeconds:F1} s" : $"  {key} {value.Done}/{value.Total} {Rate(value, elapsed)}");
    }

    private static string Rate(ExplainProgress value, TimeSpan elapsed)
    {
        double rate = value.Done / Math.Max(elapsed.TotalSeconds, 1e-3);
        double eta = (value.Total - value.Done) / Math.Max(rate, 1e-9);
        return $"({rate:F1}/s, ETA {TimeSpan.FromSeconds(Math.Ceiling(eta)):m\\:ss})";
    }
}
