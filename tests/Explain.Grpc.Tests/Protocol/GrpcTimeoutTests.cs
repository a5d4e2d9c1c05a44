using Explain.Grpc.Protocol;

namespace Explain.Grpc.Tests.Protocol;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("2H", 2 * 36_000_000_000L)]
    [InlineData("3M", 3 * 600_000_000L)]
    [InlineData("10S", 100_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("1500u", 15_000L)]
    [InlineData("12345678n", 123_456L)]
    [InlineData("99999999S", 99_999_999 * 10_000_000L)]
    public void TryParse_EveryUnit_ReturnsTicks(string header, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("123456789S")]
    [InlineData("-1S")]
    [InlineData("1 S")]
    public void TryParse_Malformed_ReturnsFalse(string header)
    {
        Assert.False(GrpcTimeout.TryParse(header, out _));
    }

    [Theory]
    [InlineData(0.5, "500000n")]
    [InlineData(250, "250000u")]
    [InlineData(3_600_000, "3600000m")]
    public void Format_Milliseconds_UsesFinestUnitThatFits(double milliseconds, string expected)
    {
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Fact]
    public void Format_ThenParse_NeverShortensTheTimeout()
    {
        foreach (var ms in new[] { 1, 7, 999, 123_456, 86_400_000 })
        {
            var timeout = TimeSpan.FromMilliseconds(ms);

            Assert.True(GrpcTimeout.TryParse(GrpcTimeout.Format(timeout), out var parsed));
            Assert.True(parsed >= timeout);
            Assert.True(GrpcTimeout.Format(timeout).Length <= 9);
        }
    }

    [Fact]
    public void Format_NonPositive_IsSmallestTimeout()
    {
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.Zero));
    }
}
