using Explain.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Interop.Tests.Interop;

/// <summary>
/// Real gRPC implementations as clients of our grpc-dotnet server: grpcio (C-core, Python) and
/// grpc-js (Node), over h2c and over TLS with ALPN h2. Each peer runs every scenario
/// (clients/interop/*/client.*: call types, all status codes with google.rpc details in
/// grpc-status-details-bin, deadlines, cancellation, text and binary metadata, 4 MiB messages,
/// gzip both ways, health Check and Watch, reflection v1 and v1alpha, and a call learnt from
/// reflection alone as grpcurl makes it) and prints PASS/FAIL per scenario.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ForeignClientTests(ITestOutputHelper output)
{
    private static string PythonClient => Path.Combine(RepoPaths.PythonPeers, "client.py");

    private static string NodeClient => Path.Combine(RepoPaths.NodePeers, "client.js");

    [Fact]
    public Task PythonGrpcio_AllScenarios_Pass() => RunPeerAsync(RepoPaths.Python, PythonClient, tls: false, "PASS reflection_driven_call");

    [Fact]
    public Task NodeGrpcJs_AllScenarios_Pass() => RunPeerAsync("node", NodeClient, tls: false, "PASS reflection_v1alpha");

    [Fact]
    public Task PythonGrpcio_OverTls_AllScenariosPass() => RunPeerAsync(RepoPaths.Python, PythonClient, tls: true, "PASS reflection_driven_call");

    [Fact]
    public Task NodeGrpcJs_OverTls_AllScenariosPass() => RunPeerAsync("node", NodeClient, tls: true, "PASS reflection_v1alpha");

    private async Task RunPeerAsync(string program, string script, bool tls, string lastScenario)
    {
        using var certificate = tls ? TestCertificates.CreateSelfSigned() : null;
        // gzip responses to every caller that accepts it, so grpcio's decompression runs too. Not for
        // grpc-js: it fails grpc-dotnet's gzip-compressed zero-length messages (Empty) with
        // INTERNAL "Failed to decompress gzip-encoded message"; its gzip requests are still tested.
        bool gzipResponses = program != "node";
        await using var server = await TestGrpcServer.StartAsync(options => options.ResponseCompressionAlgorithm = gzipResponses ? "gzip" : null, certificate);
        var pem = certificate is null ? null : TestCertificates.WritePem(certificate);
        try
        {
            string[] arguments = pem is null
                ? [script, $"127.0.0.1:{server.Address.Port}"]
                : [script, $"127.0.0.1:{server.Address.Port}", "--ca", pem];
            using var peer = PeerProcess.Start(program, arguments);

            var exitCode = await peer.WaitForExitAsync(TimeSpan.FromSeconds(120));
            output.WriteLine(peer.Output);

            Assert.True(exitCode == 0, $"{Path.GetFileName(script)} failed:\n{peer.Output}");
            Assert.DoesNotContain("FAIL", peer.Output, StringComparison.Ordinal);
            Assert.Contains("PASS every_status_code", peer.Output, StringComparison.Ordinal);
            Assert.Contains("PASS health_check", peer.Output, StringComparison.Ordinal);
            Assert.Contains(lastScenario, peer.Output, StringComparison.Ordinal);
            // The deadline and cancel scenarios must have reached the handler as a cancelled token.
            await server.Echo.SleepCancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            if (pem is not null)
            {
                File.Delete(pem);
            }
        }
    }
}
