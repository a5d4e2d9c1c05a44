// explain-results: indexes the events stream by job id and streams it back (explain.v1.Results).
// Usage: explain-results [--port 50053] [--http-port 9093] [--rabbitmq amqp://…]
using Explain.Jobs.Hosting;

// Configuration
var host = HostArguments.Parse(args, defaultPort: 50053);
var jobs = host.ToJobsOptions();

// Transport: the index is rebuilt by replaying the events stream from its start
await using var transport = await HostTransport.ConnectAsync(host, "explain-results");

// Handlers: the index and its feeder
var builder = ExplainHost.CreateBuilder(host, "explain-results", jobs.Limits);
builder.Services.AddExplainCore(jobs, transport).AddExplainResults();

// Endpoints
var app = builder.Build();
app.UseExplainEdge();
app.MapExplainResults();
app.MapStandardEndpoints();
app.MapExplainWebUi(); // the web UI at / of --http-port
await app.RunAsync();
