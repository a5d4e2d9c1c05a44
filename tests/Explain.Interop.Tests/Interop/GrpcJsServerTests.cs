using Explain.Interop.Tests.Support;

namespace Explain.Interop.Tests.Interop;

/// <summary><see cref="ForeignServerTests"/> against grpc-js.</summary>
[Collection(InteropCollection.Name)]
public sealed class GrpcJsServerTests(GrpcJsServerFixture server) : ForeignServerTests(server), IClassFixture<GrpcJsServerFixture>;
