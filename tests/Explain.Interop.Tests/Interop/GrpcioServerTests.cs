using Explain.Interop.Tests.Support;

namespace Explain.Interop.Tests.Interop;

/// <summary><see cref="ForeignServerTests"/> against grpcio.</summary>
[Collection(InteropCollection.Name)]
public sealed class GrpcioServerTests(GrpcioServerFixture server) : ForeignServerTests(server), IClassFixture<GrpcioServerFixture>;
