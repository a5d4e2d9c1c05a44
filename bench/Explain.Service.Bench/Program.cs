// Explain.Service.Bench: service overhead through RabbitMQ (issue 5, last bullet).
// Usage: dotnet run -c Release --project bench/Explain.Service.Bench [-- --jobs 200 --model resnet8_cifar10 --inflight 8 --runs 1]
// Starts a private broker (tests/Explain.Messaging.Tests/broker scripts, always stopped at the end),
// hosts ingestion + results in this process on 127.0.0.1, runs 1 then 2 explain-worker processes,
// and measures per job: submit → COMPLETED (client wall time) minus the worker's own compute time
// (sum of COMPLETED.timings_ms: decode_preprocess, forward, backward, each method, localize, text, render).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Explain.Client;
using Grpc.Net.Client;
using Explain.Jobs.Hosting;
using Explain.Messaging;
using Explain.Testing;
using Explain.V1;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

string Arg(string name, string fallback) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault() ?? fallback;
int jobs = int.Parse(Arg("jobs", "200"), CultureInfo.InvariantCulture);
int inflight = int.Parse(Arg("inflight", "8"), CultureInfo.InvariantCulture);
int runs = int.Parse(Arg("runs", "1"), CultureInfo.InvariantCulture); // the whole 1- then 2-worker measurement, repeated
string model = Arg("model", "resnet8_cifar10");
string root = FindRoot();
string shared = Environment.GetEnvironmentVariable("EXPLAIN_SHARED") is { Length: > 0 } s ? s : Path.GetFullPath(Path.Combine(root, "..", "shared"));
string models = Path.Combine(shared, "models");
byte[] image = File.ReadAllBytes(Path.Combine(shared, "data", "images", "both.png"));
string workerDll = Path.Combine(root, "services", "Explain.Worker", "bin", "Release", "net10.0", "explain-worker.dll");
if (!File.Exists(workerDll))
    throw new FileNotFoundException("build Release first (dotnet build -c Release bench/Explain.Service.Bench)", workerDll);

var broker = new PrivateBroker(Path.Combine(root, "tests", "Explain.Messaging.Tests", "broker"), "service-bench", 61_000);
var rows = new List<string>();
var breakdowns = new List<string>();
BrokerFloor? floor = null;
var samples = new List<(double Submit, double StartedAt, double StartedSeen, double CompletedAt, double CompletedSeen)>();
var verdicts = new List<string>();
DateTime started = DateTime.UtcNow;
var exitCode = 0;
var workers = new List<Process>();
// Ctrl+C skips finally blocks: stop the workers and the broker here too.
Console.CancelKeyPress += (_, _) =>
{
    foreach (var w in workers.ToArray()) { try { w.Kill(); } catch (InvalidOperationException) { } }
    try { broker.StopAsync().GetAwaiter().GetResult(); } catch (Exception) { }
};
try
{
    Uri uri = await broker.StartAsync();
    Console.WriteLine($"broker {uri}");
    floor = await BrokerFloor.MeasureAsync(uri, image.Length);
    Console.WriteLine(floor.Describe());
    await using var ingestion = await Service.StartAsync(uri, models, ServeRoles.Ingestion);
    await using var results = await Service.StartAsync(uri, models, ServeRoles.Results);
    try
    {
        foreach (int count in Enumerable.Range(0, runs).SelectMany(_ => new[] { 1, 2 }))
        {
            while (workers.Count > count)
            {
                workers[^1].Kill();
                await workers[^1].WaitForExitAsync();
                workers[^1].Dispose();
                workers.RemoveAt(workers.Count - 1);
            }
            while (workers.Count < count)
                workers.Add(StartWorker(workerDll, uri, models));
            // Warm-up: 60 rounds and until every worker has run jobs (sessions loaded, hot code compiled).
            var seen = new HashSet<string>();
            for (int round = 0; round < 200 && (seen.Count < count || round < 60); round++)
            {
                var batch = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => RunJobAsync()));
                foreach (var r in batch) seen.Add(r.Worker);
            }
            if (seen.Count < count) throw new InvalidOperationException($"only {seen.Count} of {count} workers took jobs");

            // Latency: one job at a time.
            var sequential = new List<JobTiming>();
            for (int i = 0; i < jobs; i++)
                sequential.Add(await RunJobAsync());
            var bd = samples.Skip(samples.Count - jobs).ToArray();
            double Median(Func<(double Submit, double StartedAt, double StartedSeen, double CompletedAt, double CompletedSeen), double> pick) => P(bd.Select(pick).ToArray(), 50);
            string breakdown = string.Create(CultureInfo.InvariantCulture,
                $"| {count} | {Median(b => b.Submit):F1} | {Median(b => b.StartedAt):F1} | {Median(b => b.CompletedAt):F1} | {Median(b => b.CompletedSeen - b.CompletedAt):F1} |");
            Console.WriteLine(breakdown);
            breakdowns.Add(breakdown);
            foreach (var (sample, j) in bd.Zip(sequential).OrderByDescending(p => p.Second.EndToEndMs - p.Second.ComputeMs).Take(3))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  slowest: overhead {j.EndToEndMs - j.ComputeMs:F1} ms: submit {sample.Submit:F1}, STARTED at {sample.StartedAt:F0} (seen {sample.StartedSeen:F1}), COMPLETED at {sample.CompletedAt:F0} (seen {sample.CompletedSeen:F1}), compute {j.ComputeMs:F1}"));
            // Throughput: `inflight` jobs in flight at once.
            var gate = new SemaphoreSlim(inflight);
            var clock = Stopwatch.StartNew();
            var concurrent = await Task.WhenAll(Enumerable.Range(0, jobs).Select(async _ =>
            {
                await gate.WaitAsync();
                try { return await RunJobAsync(); } finally { gate.Release(); }
            }));
            double seconds = clock.Elapsed.TotalSeconds;

            var overhead = sequential.Select(j => j.EndToEndMs - j.ComputeMs).ToArray();
            var e2e = sequential.Select(j => j.EndToEndMs).ToArray();
            var compute = sequential.Select(j => j.ComputeMs).ToArray();
            var queued = sequential.Select(j => j.QueueWaitMs).ToArray();
            string row = string.Create(CultureInfo.InvariantCulture,
                $"| {count} | {P(e2e, 50):F1} | {P(compute, 50):F1} | {P(overhead, 50):F2} | {P(overhead, 99):F2} | {overhead.Max():F1} | {P(queued, 50):F1} | {jobs / seconds:F1} | {concurrent.Select(j => j.Worker).Distinct().Count()} |");
            Console.WriteLine(row);
            rows.Add(row);
            bool met = P(overhead, 50) <= 5 && P(overhead, 99) <= 25;
            verdicts.Add(string.Create(CultureInfo.InvariantCulture, $"{count} worker(s): {(met ? "met" : "NOT met")} (p50 {P(overhead, 50):F2} ms, p99 {P(overhead, 99):F1} ms)"));
        }
    }
    finally
    {
        foreach (var w in workers)
        {
            try { if (!w.HasExited) { w.Kill(); w.WaitForExit(10_000); } } catch (InvalidOperationException) { }
            w.Dispose();
        }
    }

    async Task<JobTiming> RunJobAsync()
    {
        var request = new ExplainRequest { Model = model, Image = ByteString.CopyFrom(image) };
        request.Methods.Add("gradcam");
        var clock = Stopwatch.StartNew();
        double t0 = DateTimeOffset.UtcNow.Ticks / 10_000.0 - 62_135_596_800_000.0;
        var ticket = await ingestion.Client.SubmitAsync(request);
        double submitMs = clock.Elapsed.TotalMilliseconds;
        double startedAt = 0, startedSeen = 0;
        string worker = "";
        double queueWait = double.NaN;
        await foreach (var e in results.Client.WatchAsync(ticket.JobId))
        {
            if (e.KindCase == JobEvent.KindOneofCase.Started) { (worker, queueWait) = (e.Started.Worker, e.Started.QueueWaitMs); startedAt = e.TimeUnixMs - t0; startedSeen = clock.Elapsed.TotalMilliseconds; }
            else if (e.KindCase == JobEvent.KindOneofCase.Completed)
            {
                double end = clock.Elapsed.TotalMilliseconds;
                samples.Add((submitMs, startedAt, startedSeen, e.TimeUnixMs - t0, end));
                return new JobTiming(end, e.Completed.TimingsMs.Values.Sum(), worker, queueWait);
            }
            else if (e.KindCase is JobEvent.KindOneofCase.Failed or JobEvent.KindOneofCase.Cancelled)
                throw new InvalidOperationException($"job {ticket.JobId}: {e}");
        }
        throw new InvalidOperationException($"job {ticket.JobId}: watch ended without a terminal event");
    }
}
catch (Exception ex)
{
    Console.Error.WriteLine($"bench failed: {ex}");
    exitCode = 1;
}
finally
{
    try { await broker.StopAsync(); Console.WriteLine("broker stopped"); }
    catch (Exception ex) { Console.Error.WriteLine($"stopping the broker failed: {ex.Message}"); exitCode = 1; }
}
if (exitCode != 0 || rows.Count == 0)
    return 1;

var md = new StringBuilder();
md.AppendLine("<!-- service-bench:start -->");
md.AppendLine("## Service overhead through RabbitMQ");
md.AppendLine();
md.AppendLine(string.Create(CultureInfo.InvariantCulture,
    $"Run by `dotnet run -c Release --project bench/Explain.Service.Bench` on {started:yyyy-MM-dd HH:mm}–{DateTime.UtcNow:HH:mm} UTC on this project's machine ({Environment.ProcessorCount} cores)."));
string repeated = runs > 1
    ? string.Create(CultureInfo.InvariantCulture, $"; the whole measurement {runs} times in a row, one row per run and worker count (this 2-core machine is shared and noisy: the spread between runs is part of the result).")
    : ".";
md.AppendLine(string.Create(CultureInfo.InvariantCulture,
    $"Private RabbitMQ (Debian rabbitmq-server, loopback), ingestion + results hosted in the bench process on 127.0.0.1, " +
    $"workers = real `explain-worker` processes (`--concurrency 1`) on the same 2 cores. Model `{model}`, image `both.png`, method gradcam, " +
    $"top-1, overlays included. {jobs} jobs one at a time for latency, then {jobs} jobs with {inflight} in flight for throughput, after a warm-up{repeated}"));
md.AppendLine();
md.AppendLine("Overhead = client wall time from Submit to the COMPLETED event (Watch on the results service) minus the worker's in-process " +
    "compute time, which is the sum of the COMPLETED event's `timings_ms` for that same job: decode_preprocess + forward + backward + gradcam + localize + text + render " +
    "(the overlay PNG and the heatmap event, the same stage `explain run` reports in result.json). " +
    "So overhead includes gRPC submit, the upload's validation, publish/consume through the broker, session rent, event publishing and the results service's fan-out to Watch.");
md.AppendLine("Queue wait = the STARTED event's `queue_wait_ms` (ingestion's enqueue → a worker takes the job), part of the overhead.");
md.AppendLine();
md.AppendLine("| workers | end-to-end p50 (ms) | compute p50 (ms) | overhead p50 (ms) | overhead p99 (ms) | overhead max (ms) | queue wait p50 (ms) | throughput (jobs/s) | workers that took jobs |");
md.AppendLine("|---|---|---|---|---|---|---|---|---|");
foreach (var r in rows) md.AppendLine(r);
md.AppendLine();
md.AppendLine("Goal (issue 5): overhead p50 ≤ 5 ms, p99 ≤ 25 ms. " + string.Join("; ", verdicts) + ".");
md.AppendLine();
md.AppendLine("Where the latency goes (medians of the one-at-a-time runs, ms from the client's Submit; event times are the events' `time_unix_ms`, whole milliseconds):");
md.AppendLine();
md.AppendLine("| workers | Submit answered | STARTED published | COMPLETED published | COMPLETED published → seen by the client |");
md.AppendLine("|---|---|---|---|---|");
foreach (var line in breakdowns) md.AppendLine(line);
md.AppendLine();
md.AppendLine((floor?.Describe() ?? "broker floor not measured") + ". A job crosses the broker twice on its critical path: the job message to a worker, then its last events to results.");
md.AppendLine("<!-- service-bench:end -->");
string resultsPath = Path.Combine(root, "bench", "RESULTS.md");
string text = File.Exists(resultsPath) ? File.ReadAllText(resultsPath) : "# Benchmark results\n";
int a = text.IndexOf("<!-- service-bench:start -->", StringComparison.Ordinal);
int b = text.IndexOf("<!-- service-bench:end -->", StringComparison.Ordinal);
string section = md.ToString().TrimEnd('\n');
text = a >= 0 && b > a
    ? text[..a] + section + text[(b + "<!-- service-bench:end -->".Length)..]
    : text.TrimEnd('\n') + "\n\n" + section + "\n";
File.WriteAllText(resultsPath, text);
Console.WriteLine(md);
return 0;

static double P(double[] values, double percentile)
{
    var sorted = values.OrderBy(v => v).ToArray();
    double rank = percentile / 100 * (sorted.Length - 1);
    int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

static Process StartWorker(string dll, Uri broker, string models)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in new[] { dll, "--rabbitmq", broker.ToString(), "--models", models, "--port", "0", "--bind", "127.0.0.1", "--concurrency", "1" })
        start.ArgumentList.Add(a);
    start.Environment["Logging__LogLevel__Default"] = "Warning";
    var process = Process.Start(start)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"[worker {process.Id}] {e.Data}"); };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Explain.sln")))
            return dir.FullName;
    throw new InvalidOperationException("Explain.sln not found above " + AppContext.BaseDirectory);
}

internal sealed record JobTiming(double EndToEndMs, double ComputeMs, string Worker, double QueueWaitMs);

/// <summary>The ingestion or results host wired as its Program.cs does, in this process, on the bench broker.</summary>
internal sealed class Service : IAsyncDisposable
{
    private readonly ServeHost _host;
    private readonly GrpcChannel _channel;

    private Service(ServeHost host)
    {
        _host = host;
        _channel = GrpcChannel.ForAddress(host.Address, ExplainChannelConfig.ChannelOptions());
        Client = new ExplainClient(_channel.CreateCallInvoker());
    }

    public ExplainClient Client { get; }

    public static async Task<Service> StartAsync(Uri broker, string models, ServeRoles role)
    {
        var transport = await RabbitMqTransport.ConnectAsync(new RabbitMqTransportOptions { Uri = broker, ClientName = role.ToString() });
        var host = new HostArguments(0, null, broker, models, 1);
        return new Service(await ServeHost.StartAsync(host, null, IPAddress.Loopback, l => l.ClearProviders(), transport, role));
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
    }
}

/// <summary>
/// RabbitMQ's own latency on this machine, through the same transport the services use: publish →
/// consumer delivery for a job-sized message on a quorum queue and on a stream, one at a time with
/// idle gaps like the latency runs (so each includes the wake-up of an idle broker and client).
/// Every job crosses the broker twice on its critical path (the job, then its last events).
/// </summary>
internal sealed record BrokerFloor(double QueueSmallMs, double QueueJobMs, double StreamSmallMs, double StreamJobMs, int JobBytes)
{
    private const int Samples = 100;

    public static async Task<BrokerFloor> MeasureAsync(Uri broker, int jobBytes)
    {
        string prefix = "floor" + Guid.NewGuid().ToString("N")[..8];
        await using var transport = await RabbitMqTransport.ConnectAsync(new RabbitMqTransportOptions
        {
            Uri = broker, ClientName = prefix, JobQueue = prefix + ".jobs", DeadLetterExchange = prefix + ".dlx",
            DeadLetterQueue = prefix + ".dead", EventStream = prefix + ".events", ControlStream = prefix + ".control",
        });
        using var stop = new CancellationTokenSource();
        var jobs = transport.Jobs.ConsumeAsync(1, stop.Token).GetAsyncEnumerator(stop.Token);
        var events = transport.Events.SubscribeAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        try
        {
            async Task<double> QueueAsync(int bytes)
            {
                var times = new double[Samples];
                for (int i = 0; i < Samples; i++)
                {
                    var clock = Stopwatch.StartNew();
                    var delivered = jobs.MoveNextAsync().AsTask();
                    await transport.Jobs.PublishAsync(new JobEnvelope($"j{i}", new byte[bytes], new Dictionary<string, string>(), null), CancellationToken.None);
                    if (!await delivered) throw new InvalidOperationException("job consumer ended");
                    times[i] = clock.Elapsed.TotalMilliseconds;
                    await jobs.Current.AckAsync();
                    await Task.Delay(3);
                }
                return Median(times);
            }

            async Task<double> StreamAsync(int bytes)
            {
                var times = new double[Samples];
                for (int i = 0; i < Samples; i++)
                {
                    var clock = Stopwatch.StartNew();
                    var delivered = events.MoveNextAsync().AsTask();
                    _ = transport.Events.PublishAsync(new JobEventEnvelope("e", i, new byte[bytes], new Dictionary<string, string>()), CancellationToken.None);
                    if (!await delivered) throw new InvalidOperationException("stream subscriber ended");
                    times[i] = clock.Elapsed.TotalMilliseconds;
                    await Task.Delay(3);
                }
                return Median(times);
            }

            await QueueAsync(200); // warm-up
            return new BrokerFloor(await QueueAsync(200), await QueueAsync(jobBytes), await StreamAsync(200), await StreamAsync(jobBytes), jobBytes);
        }
        finally
        {
            await stop.CancelAsync();
            await jobs.DisposeAsync().AsTask().ContinueWith(_ => { }, TaskScheduler.Default);
            await events.DisposeAsync().AsTask().ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"broker floor (publish → delivered, p50): quorum queue {QueueSmallMs:F2} ms (200 B) / {QueueJobMs:F2} ms ({JobBytes / 1000} kB); stream {StreamSmallMs:F2} ms (200 B) / {StreamJobMs:F2} ms ({JobBytes / 1000} kB)");

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
    }
}
