namespace Explain.Rpc.Bench;

/// <summary>One measured rate: server, workload, number of concurrent calls, operations per second.</summary>
public sealed record BenchResult(string Server, string Workload, int Concurrency, double Rate);
