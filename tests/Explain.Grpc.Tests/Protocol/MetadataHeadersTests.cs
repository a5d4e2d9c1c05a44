using Explain.Grpc.Protocol;

namespace Explain.Grpc.Tests.Protocol;

public sealed class MetadataHeadersTests
{
    [Fact]
    public void ToHeaderValue_BinaryEntry_IsUnpaddedBase64()
    {
        var entry = new MetadataEntry("trace-bin", [0xFF, 0x00]);

        Assert.Equal("/wA", MetadataHeaders.ToHeaderValue(entry));
    }

    [Theory]
    [InlineData("/wA")]
    [InlineData("/wA=")]
    public void AddFromHeader_PaddedOrNot_DecodesBinary(string value)
    {
        var metadata = new Metadata();

        MetadataHeaders.AddFromHeader(metadata, "trace-bin", [value]);

        Assert.Equal(new byte[] { 0xFF, 0x00 }, metadata.GetValueBytes("trace-bin"));
    }

    [Fact]
    public void AddFromHeader_CommaJoinedBinaryValues_SplitsThem()
    {
        var metadata = new Metadata();

        MetadataHeaders.AddFromHeader(metadata, "x-bin", ["AQ,Ag=="]);

        Assert.Equal(new[] { new byte[] { 1 }, new byte[] { 2 } }, metadata.GetAll("x-bin").Select(e => e.ValueBytes));
    }

    [Theory]
    [InlineData("grpc-timeout")]
    [InlineData("content-type")]
    [InlineData(":path")]
    [InlineData("te")]
    public void AddFromHeader_ReservedHeader_IsNotMetadata(string name)
    {
        var metadata = new Metadata();

        MetadataHeaders.AddFromHeader(metadata, name, ["x"]);

        Assert.Empty(metadata);
    }

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("application/grpc; charset=utf-8", true)]
    [InlineData("application/grpc+json", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void IsGrpcContentType_Values_AcceptsGrpcAndProto(string? contentType, bool expected)
    {
        Assert.Equal(expected, GrpcProtocol.IsGrpcContentType(contentType));
    }

    [Fact]
    public void MetadataEntry_BinaryKeyWithString_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MetadataEntry("x-bin", "text"));
    }
}
