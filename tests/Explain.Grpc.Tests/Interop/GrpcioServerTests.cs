namespace Explain.Grpc.Tests.Interop;

/// <summary><see cref="ForeignServerTests"/> against grpcio.</summary>
[Collection(InteropCollection.Name)]
public sealed class GrpcioServerTests(PythonServerFixture server) : ForeignServerTests(server), IClassFixture<PythonServerFixture>;
