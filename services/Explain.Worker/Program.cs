// explain-worker: takes jobs off the queue, runs the explanations, publishes their events.
// Usage: explain-worker [--port 50052] [--http-port 9092] [--rabbitmq amqp://…] [--models DIR] [--concurrency N]
using Explain.Jobs.Hosting;

// Configuration
var host = HostArguments.Parse(args, defaultPort: 50052);
var jobs = host.ToJobsOptions();

// Transport
await using var transport = await HostTransport.ConnectAsync(host, "explain-worker");

// Handlers: the consumer (prefetch = concurrency), the explainer cache, cancel requests
var builder = ExplainHost.CreateBuilder(host, "explain-worker", jobs.Limits);
builder.Services.AddExplainCore(jobs, transport).AddExplainWorker();

// Endpoints: health and reflection only
var app = builder.Build();
app.UseExplainEdge();
app.MapStandardEndpoints();
await app.RunAsync();
