namespace Explain.Grpc.Tests.Interop;

/// <summary><see cref="ForeignServerTests"/> against grpc-js.</summary>
[Collection(InteropCollection.Name)]
public sealed class GrpcJsServerTests(NodeServerFixture server) : ForeignServerTests(server), IClassFixture<NodeServerFixture>;
