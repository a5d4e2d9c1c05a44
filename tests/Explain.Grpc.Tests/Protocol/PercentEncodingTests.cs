using Explain.Grpc.Protocol;

namespace Explain.Grpc.Tests.Protocol;

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("100%", "100%25")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("\u00e9t\u00e9", "%C3%A9t%C3%A9")]
    [InlineData("\u2603", "%E2%98%83")]
    public void Encode_Text_EscapesOutsidePrintableAscii(string text, string encoded)
    {
        Assert.Equal(encoded, PercentEncoding.Encode(text));
        Assert.Equal(text, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("%", "%")]
    [InlineData("%4", "%4")]
    [InlineData("%zz", "%zz")]
    public void Decode_MalformedEscape_KeepsLiteral(string encoded, string decoded)
    {
        Assert.Equal(decoded, PercentEncoding.Decode(encoded));
    }
}
