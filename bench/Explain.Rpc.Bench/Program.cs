using Explain.Rpc.Bench;

// Usage:
//   dotnet run -c Release --project bench/Explain.Rpc.Bench            run all servers, update bench/RESULTS.md
//   dotnet run -c Release --project bench/Explain.Rpc.Bench -- serve   our Echo server alone (prints PORT n)
//   options: --seconds N (per measurement, default 5)
if (args.Length > 0 && args[0] == "serve")
{
    await BenchServer.RunAsync();
    return 0;
}

var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).FirstOrDefault(5);
var root = RepoRoot.Find();
var self = Environment.ProcessPath!;
var selfArgs = self.EndsWith("dotnet", StringComparison.Ordinal)
    ? new[] { typeof(BenchServer).Assembly.Location, "serve" } : ["serve"];
var servers = new (string Name, string Program, string[] Args)[]
{
    ("grpc-dotnet (Kestrel)", self, selfArgs),
    ("Python grpcio", "/usr/bin/python3", [Path.Combine(root, "clients/interop/python/server.py")]),
    ("Node grpc-js", "node", [Path.Combine(root, "clients/interop/node/server.js")]),
};

var loadAtStart = ResultsReport.LoadAverage();
var results = new List<BenchResult>();
foreach (var (name, program, arguments) in servers)
{
    using var server = await ServerProcess.StartAsync(program, arguments);
    Console.WriteLine($"{name} on port {server.Port}");
    var workloads = new Workloads(server.Port, TimeSpan.FromSeconds(seconds));
    foreach (var concurrency in new[] { 1, 64 })
    {
        results.Add(new BenchResult(name, "unary echo round-trips/s", concurrency, await workloads.UnaryAsync(concurrency)));
        results.Add(new BenchResult(name, "server-streaming messages/s", concurrency, await workloads.StreamingAsync(concurrency)));
        Console.WriteLine($"  concurrency {concurrency}: {string.Join(", ", results.TakeLast(2).Select(r => $"{r.Rate:F0}"))}");
    }
}

var report = ResultsReport.Render(results, seconds, loadAtStart, ResultsReport.LoadAverage());
var resultsFile = Path.Combine(root, "bench", "RESULTS.md");
var existing = File.Exists(resultsFile) ? await File.ReadAllTextAsync(resultsFile) : null;
await File.WriteAllTextAsync(resultsFile, ResultsReport.Merge(existing, report));
Console.WriteLine(report);
return 0;
