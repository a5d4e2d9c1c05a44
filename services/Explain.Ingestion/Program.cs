// explain-ingestion: validates requests and queues jobs (explain.v1.Explainer, explain.v1.Models).
// Usage: explain-ingestion [--port 50051] [--http-port 9091] [--rabbitmq amqp://…] [--models DIR]
using Explain.Jobs.Hosting;

// Configuration
var host = HostArguments.Parse(args, defaultPort: 50051);
var jobs = host.ToJobsOptions();

// Transport: RabbitMQ (the in-memory one only makes sense inside `explain serve`)
await using var transport = await HostTransport.ConnectAsync(host, "explain-ingestion");

// Handlers: validation, ingestion, models; a results index feeds Explain's streams
var builder = ExplainHost.CreateBuilder(host, "explain-ingestion", jobs.Limits);
builder.Services.AddExplainCore(jobs, transport).AddExplainIngestion();

// Endpoints
var app = builder.Build();
app.UseExplainEdge();
app.MapExplainIngestion();
app.MapStandardEndpoints();
app.MapExplainWebUi(); // the web UI at / of --http-port
await app.RunAsync();
