// Explain.Load.Bench: many tenants submitting bursts through RabbitMQ (issue 12, "How it is checked").
// Usage: dotnet run -c Release --project bench/Explain.Load.Bench [-- --seconds 150 --tenants 8 --workers 2] [-- --short]
// Starts a private broker (tests/Explain.Messaging.Tests/broker scripts, always stopped at the end) and
// the real hosts as processes: explain-ingestion and explain-results with --api-keys (one key per
// tenant), N explain-worker. Each tenant submits bursts of 1-8 jobs of a mix of sizes, watches each
// to its end (some watchers abandon the stream after the first event and resume with
// after_sequence), cancels some. Checks: no job lost (every job's Get is terminal), every Watch
// stream ends with a status, another tenant's job is NOT_FOUND, each host's peak RSS within its bound.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Explain.Client;
using Explain.Jobs.Security;
using Explain.Load.Bench;
using Explain.Testing;
using Explain.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

bool quick = args.Contains("--short");
string Arg(string name, string fallback) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault() ?? fallback;
int seconds = int.Parse(Arg("seconds", quick ? "20" : "150"), CultureInfo.InvariantCulture);
int tenantCount = int.Parse(Arg("tenants", quick ? "3" : "8"), CultureInfo.InvariantCulture);
int workerCount = int.Parse(Arg("workers", "2"), CultureInfo.InvariantCulture);
// Bounds on each host's peak RSS: ingestion and results hold indexes of small events (heatmaps
// stay in the stream) and bounded Watch buffers, so what they may add over their post-warm-up RSS
// is the check (growthBound); ingestion starts at ~420 MB (its model catalog has every model's
// graph loaded for validation), so its absolute bound is 768 MiB (512 MiB failed once: a 517 MB
// peak on a 427 MB baseline, bench/RESULTS.md); a worker holds up to ModelCacheCapacity loaded
// models with their ONNX Runtime sessions and gradient graphs.
long[] bound = [768L << 20, 512L << 20, 1536L << 20]; // ingestion, results, each worker
long growthBound = 256L << 20; // ingestion and results: peak over their post-warm-up RSS

string root = FindRoot();
string shared = Environment.GetEnvironmentVariable("EXPLAIN_SHARED") is { Length: > 0 } s ? s : Path.GetFullPath(Path.Combine(root, "..", "shared"));
string models = Path.Combine(shared, "models");
string Dll(string service) => Path.Combine(root, "services", "Explain." + service, "bin", "Release", "net10.0", "explain-" + service.ToLowerInvariant() + ".dll");
foreach (var service in new[] { "Ingestion", "Results", "Worker" })
    if (!File.Exists(Dll(service)))
        throw new FileNotFoundException("build Release first (dotnet build -c Release bench/Explain.Load.Bench)", Dll(service));
ByteString Image(string name) => ByteString.CopyFrom(File.ReadAllBytes(Path.Combine(shared, "data", "images", name)));
var mix = new (string Kind, int Weight, Func<ExplainRequest> Request)[]
{
    ("small", 60, () => new ExplainRequest { Model = "mobilenet_v1_0.25_128", Image = Image("both.png"), Methods = { "gradcam" } }),
    ("medium", 22, () => new ExplainRequest { Model = "mobilenet_v1_0.5_160", Image = Image("dog_cat.jfif"), Methods = { "gradcam", "layercam" }, Targets = new Targets { TopK = 2 } }),
    ("large", 10, () => new ExplainRequest { Model = "mobilenet_v2", Image = Image("horses.jpg"), Methods = { "gradcam", "gradcam++" }, Targets = new Targets { TopK = 3 } }),
    ("cancelled", 8, () => new ExplainRequest { Model = "mobilenet_v1_0.5_160", Image = Image("both.png"), Methods = { "scorecam" } }),
};

var tenants = Enumerable.Range(0, tenantCount).Select(i => ($"tenant{i}", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)))).ToArray();
string dir = Directory.CreateTempSubdirectory("explain-load-").FullName;
string keys = Path.Combine(dir, "keys.txt");
File.WriteAllLines(keys, tenants.Select(t => ApiKeyStore.Line(t.Item1, t.Item2)));

var broker = new PrivateBroker(Path.Combine(root, "tests", "Explain.Messaging.Tests", "broker"), "load-bench", 63_000);
var hosts = new List<HostProcess>();
var outcomes = new ConcurrentBag<JobOutcome>();
var refusals = new ConcurrentDictionary<string, int>();
int exitCode = 0;
Console.CancelKeyPress += (_, _) =>
{
    foreach (var h in hosts.ToArray()) h.Dispose();
    try { broker.StopAsync().GetAwaiter().GetResult(); } catch (Exception) { }
};
try
{
    Uri uri = await broker.StartAsync();
    int ingestionPort = FreePort(), resultsPort = FreePort();
    string[] Common(int port) => ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--rabbitmq", uri.ToString(), "--models", models];
    hosts.Add(HostProcess.Start("ingestion", Dll("Ingestion"), [.. Common(ingestionPort), "--api-keys", keys]));
    hosts.Add(HostProcess.Start("results", Dll("Results"), [.. Common(resultsPort), "--api-keys", keys]));
    for (int w = 0; w < workerCount; w++)
        hosts.Add(HostProcess.Start($"worker{w}", Dll("Worker"), [.. Common(0), "--concurrency", "1"]));
    var clients = tenants.ToDictionary(t => t.Item1, t => (
        Ingestion: new ExplainClient($"http://127.0.0.1:{ingestionPort}", ExplainChannelConfig.ChannelOptions(t.Item2, null)),
        Results: new ExplainClient($"http://127.0.0.1:{resultsPort}", ExplainChannelConfig.ChannelOptions(t.Item2, null))));
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            foreach (var h in hosts) h.Sample();
            await Task.Delay(250).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    });

    // Warm-up: every kind once per worker (models loaded, code compiled), then the RSS baselines.
    var warm = clients[tenants[0].Item1];
    await Task.WhenAll(Enumerable.Range(0, workerCount).SelectMany(_ => mix.Take(3)).Select(async m => await RunJobAsync("warm-up", warm, m.Kind, m.Request(), false, false)));
    foreach (var h in hosts) h.MarkBaseline();
    outcomes.Clear();
    int warmUpRefusals = refusals.Values.Sum(); // while the hosts were still connecting
    refusals.Clear();
    Console.WriteLine($"warmed up; {tenantCount} tenants for {seconds} s, {workerCount} workers; broker {uri}");

    var clock = Stopwatch.StartNew();
    var end = DateTime.UtcNow.AddSeconds(seconds);
    await Task.WhenAll(tenants.Select((t, i) => Task.Run(async () =>
    {
        var random = new Random(1000 + i);
        var client = clients[t.Item1];
        while (DateTime.UtcNow < end)
        {
            int burst = random.Next(1, 9);
            await Task.WhenAll(Enumerable.Range(0, burst).Select(_ =>
            {
                var kind = Pick(random);
                return RunJobAsync(t.Item1, client, kind.Kind, kind.Request(), kind.Kind == "cancelled", random.NextDouble() < 0.1);
            }));
            await Task.Delay(random.Next(0, 2000));
        }
    })));
    double ran = clock.Elapsed.TotalSeconds;

    // No job lost: each one's Get (by its own tenant) is terminal; another tenant's Get is NOT_FOUND.
    var all = outcomes.ToList();
    int lost = 0, leaked = 0;
    foreach (var o in all)
    {
        var state = (await clients[o.Tenant].Results.GetAsync(o.JobId)).State;
        if (state is not (JobState.Completed or JobState.Failed or JobState.Cancelled))
            lost++;
    }
    foreach (var o in all.Take(40))
    {
        string other = tenants.First(t => t.Item1 != o.Tenant).Item1;
        try
        {
            await clients[other].Results.GetAsync(o.JobId);
            leaked++;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
        }
    }
    sampling.Cancel();
    await sampler;
    foreach (var h in hosts) h.Sample();

    int badEndings = all.Count(o => o.Ending != "ok");
    var endings = all.GroupBy(o => o.Ending).Select(g => $"{g.Key} {g.Count()}");
    var mixes = all.GroupBy(o => o.Mix).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
    var states = all.GroupBy(o => o.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
    var seconds50 = P(all.Where(o => o.Mix == "small").Select(o => o.Seconds).ToArray(), 50);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{all.Count} jobs in {ran:F0} s ({all.Count / ran:F2} jobs/s) by {tenantCount} tenants ({string.Join(", ", mixes)}): {string.Join(", ", states)}; {all.Count(o => o.Abandoned)} watchers abandoned and resumed"));
    Console.WriteLine($"Watch endings: {string.Join(", ", endings)}; submit refusals retried: {(refusals.IsEmpty ? "none" : string.Join(", ", refusals.Select(r => $"{r.Key} {r.Value}")))}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"small job submit→end p50 {seconds50:F2} s; warm-up submits refused while the hosts connected: {warmUpRefusals}; lost {lost}; cross-tenant Get not NOT_FOUND: {leaked} of {Math.Min(40, all.Count)}"));
    Console.WriteLine("| process | baseline RSS MB | peak RSS MB | end RSS MB | bound MB | within |");
    Console.WriteLine("|---|---|---|---|---|---|");
    bool rssOk = true;
    foreach (var h in hosts)
    {
        long limit = h.Name == "ingestion" ? bound[0] : h.Name == "results" ? bound[1] : bound[2];
        bool ok = h.PeakRss <= limit && (h.Name.StartsWith("worker", StringComparison.Ordinal) || h.PeakRss - h.BaselineRss <= growthBound) && !h.HasExited;
        rssOk &= ok;
        Console.WriteLine($"| {h.Name} | {h.BaselineRss >> 20} | {h.PeakRss >> 20} | {h.LastRss >> 20} | {limit >> 20} | {(ok ? "yes" : "NO")} |");
    }
    bool passed = lost == 0 && leaked == 0 && badEndings == 0 && rssOk && all.Count > 0;
    Console.WriteLine(passed ? "PASSED" : "FAILED");
    exitCode = passed ? 0 : 1;
}
finally
{
    foreach (var h in hosts) h.Dispose();
    await broker.StopAsync();
    Directory.Delete(dir, recursive: true);
}
return exitCode;

(string Kind, int Weight, Func<ExplainRequest> Request) Pick(Random random)
{
    int roll = random.Next(mix.Sum(m => m.Weight));
    foreach (var m in mix)
        if ((roll -= m.Weight) < 0)
            return m;
    return mix[0];
}

// One job: submit (retrying quota and availability refusals as RetryInfo says), watch to its terminal
// event (abandoning the first stream after one event when asked, then resuming with after_sequence).
async Task RunJobAsync(string tenant, (ExplainClient Ingestion, ExplainClient Results) client, string kind, ExplainRequest request, bool cancel, bool abandon)
{
    var clock = Stopwatch.StartNew();
    JobTicket? ticket = null;
    for (var giveUp = DateTime.UtcNow.AddSeconds(120); ticket is null;)
    {
        try
        {
            ticket = await client.Ingestion.SubmitAsync(request);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.ResourceExhausted or StatusCode.Unavailable && DateTime.UtcNow < giveUp)
        {
            refusals.AddOrUpdate(e.StatusCode.ToString(), 1, (_, n) => n + 1);
            await Task.Delay(500);
        }
    }
    if (cancel)
        await client.Ingestion.CancelAsync(ticket.JobId);
    long after = 0;
    string ending = "no terminal event";
    JobEvent? last = null;
    try
    {
        if (abandon)
        {
            using var stop = new CancellationTokenSource();
            await foreach (var e in client.Results.WatchAsync(ticket.JobId, 0, DateTime.UtcNow.AddSeconds(300), stop.Token))
            {
                (after, last) = (e.Sequence, e);
                break; // the client goes away mid-stream
            }
        }
        if (last is null || !IsTerminal(last))
        {
            await foreach (var e in client.Results.WatchAsync(ticket.JobId, after, DateTime.UtcNow.AddSeconds(300)))
                last = e;
        }
        if (last is not null && IsTerminal(last))
            ending = "ok";
    }
    catch (RpcException e)
    {
        ending = "status " + e.StatusCode;
    }
    outcomes.Add(new JobOutcome(tenant, ticket.JobId, kind, last is null ? "none" : last.KindCase.ToString(), ending, abandon, clock.Elapsed.TotalSeconds));
}

static bool IsTerminal(JobEvent e) => e.KindCase is JobEvent.KindOneofCase.Completed or JobEvent.KindOneofCase.Failed or JobEvent.KindOneofCase.Cancelled;

static double P(double[] values, double percentile)
{
    if (values.Length == 0)
        return double.NaN;
    var sorted = values.Order().ToArray();
    return sorted[(int)Math.Clamp(Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Explain.sln")))
            return dir.FullName;
    throw new InvalidOperationException("Explain.sln not found above " + AppContext.BaseDirectory);
}
