using Explain.Grpc.Tests.Support;
using Xunit.Abstractions;

namespace Explain.Grpc.Tests.Interop;

/// <summary>
/// Real gRPC implementations as clients of our server: grpcio (C-core, Python) and grpc-js (Node),
/// over h2c and over TLS with ALPN h2. Each peer runs every scenario (call types, all status codes,
/// deadlines, cancellation, metadata incl. binary, 4 MB messages, gzip, health, reflection v1 and
/// v1alpha) and prints PASS/FAIL per scenario.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ForeignClientTests(ITestOutputHelper output)
{
    private static string PythonClient => Path.Combine(RepoPaths.PythonClients, "client.py");

    private static string NodeClient => Path.Combine(RepoPaths.NodeClients, "client.js");

    [Fact]
    public Task PythonGrpcio_AllScenarios_Pass() => RunPeerAsync(RepoPaths.Python, PythonClient, tls: false);

    [Fact]
    public Task NodeGrpcJs_AllScenarios_Pass() => RunPeerAsync("node", NodeClient, tls: false);

    [Fact]
    public Task PythonGrpcio_OverTls_AllScenariosPass() => RunPeerAsync(RepoPaths.Python, PythonClient, tls: true);

    [Fact]
    public Task NodeGrpcJs_OverTls_AllScenariosPass() => RunPeerAsync("node", NodeClient, tls: true);

    private async Task RunPeerAsync(string program, string script, bool tls)
    {
        using var certificate = tls ? TestCertificates.CreateSelfSigned() : null;
        await using var server = await TestGrpcServer.StartAsync(options =>
        {
            options.MaxReceiveMessageSize = 16 * 1024 * 1024;
            options.ResponseCompression = "gzip";
        }, certificate);
        var pem = certificate is null ? null : TestCertificates.WritePem(certificate);
        try
        {
            string[] arguments = pem is null
                ? [script, $"127.0.0.1:{server.Address.Port}"]
                : [script, $"127.0.0.1:{server.Address.Port}", "--ca", pem];
            using var peer = PeerProcess.Start(program, arguments);

            var exitCode = await peer.WaitForExitAsync(TimeSpan.FromSeconds(90));
            output.WriteLine(peer.Output);

            Assert.True(exitCode == 0, $"{Path.GetFileName(script)} failed:\n{peer.Output}");
            Assert.DoesNotContain("FAIL", peer.Output, StringComparison.Ordinal);
            Assert.Contains("PASS reflection_v1alpha", peer.Output, StringComparison.Ordinal);
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
