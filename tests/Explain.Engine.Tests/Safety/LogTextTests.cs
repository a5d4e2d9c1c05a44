using Explain.Engine.Errors;

namespace Explain.Engine.Tests.Safety;

/// <summary>Issue 12 part 8: user strings are cut to 200 characters and their control characters escaped.</summary>
public sealed class LogTextTests
{
    [Theory]
    [InlineData("mobilenet_v2", "mobilenet_v2")]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("tab\there\r", "tab\\there\\r")]
    [InlineData("esc\u001b[31m", "esc\\u001b[31m")]
    [InlineData("bidi\u202eevil", "bidi\\u202eevil")]
    [InlineData("del\u007f", "del\\u007f")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Of_Text_EscapesControlAndFormatCharacters(string? text, string expected)
    {
        Assert.Equal(expected, LogText.Of(text));
    }

    [Fact]
    public void Of_LongText_IsCutTo200WithAMark()
    {
        var result = LogText.Of(new string('x', 100_000));

        Assert.Equal(LogText.MaxLength, result.Length);
        Assert.EndsWith("…", result);
    }

    [Fact]
    public void Of_ExactlyTheLimit_IsKeptWhole()
    {
        var text = new string('y', LogText.MaxLength);

        Assert.Equal(text, LogText.Of(text));
    }

    [Fact]
    public void Of_ManyControlCharacters_StaysWithinTheLimitAndHasNoControls()
    {
        var result = LogText.Of(string.Concat(Enumerable.Repeat("\n\u0000", 500)));

        Assert.InRange(result.Length, 1, LogText.MaxLength);
        Assert.DoesNotContain(result, char.IsControl);
    }

    [Fact]
    public void Of_SurrogatePairAtTheCut_NeverSplitsIt()
    {
        var result = LogText.Of(new string('z', 198) + "😀😀😀");

        Assert.True(result.Length <= LogText.MaxLength);
        Assert.DoesNotContain(result, c => char.IsSurrogate(c) && result.Count(char.IsSurrogate) % 2 == 1);
    }
}
