using Explain.Interop.Tests.Support;

namespace Explain.Interop.Tests.Interop;

/// <summary>clients/interop/python/server.py: grpcio serving Echo and health.</summary>
public sealed class GrpcioServerFixture() : PeerServerFixture(RepoPaths.Python, Path.Combine(RepoPaths.PythonPeers, "server.py"));
