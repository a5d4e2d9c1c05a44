namespace Explain.Grpc.Tests.Interop;

/// <summary>clients/interop/python/server.py: grpcio (C-core) serving Echo and health.</summary>
public sealed class PythonServerFixture()
    : PeerServerFixture(RepoPaths.Python, Path.Combine(RepoPaths.PythonClients, "server.py"));
