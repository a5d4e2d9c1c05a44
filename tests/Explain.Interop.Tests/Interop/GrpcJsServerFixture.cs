using Explain.Interop.Tests.Support;

namespace Explain.Interop.Tests.Interop;

/// <summary>clients/interop/node/server.js: grpc-js serving Echo and health.</summary>
public sealed class GrpcJsServerFixture() : PeerServerFixture("node", Path.Combine(RepoPaths.NodePeers, "server.js"));
