namespace Explain.Grpc.Tests.Interop;

/// <summary>clients/interop/node/server.js: grpc-js serving Echo and health.</summary>
public sealed class NodeServerFixture()
    : PeerServerFixture("node", Path.Combine(RepoPaths.NodeClients, "server.js"));
