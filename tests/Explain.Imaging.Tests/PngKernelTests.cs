using System.Text;
using Explain.Imaging.Png;
using Explain.Imaging.Tests.Reference;

namespace Explain.Imaging.Tests;

/// <summary>CRC, unfilter and filter fast paths against the scalar reference (<see cref="ScalarPng"/>).</summary>
public class PngKernelTests
{
    public static TheoryData<int> PixelSizes() => [1, 2, 3, 4, 6, 8];

    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("IEND", 0xAE426082u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Crc32_KnownVectors_Match(string text, uint expected) =>
        Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Crc32_RandomLengthsAndSplits_MatchScalarReference()
    {
        var random = new Random(7);
        for (int length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            int split = random.Next(0, length + 1);

            Assert.Equal(ScalarPng.Crc32(data), Crc32.Compute(data));
            Assert.Equal(ScalarPng.Crc32(data), Crc32.Compute(data.AsSpan(0, split), data.AsSpan(split)));
        }
    }

    [Theory]
    [MemberData(nameof(PixelSizes))]
    public void Unfilter_EveryFilterAndLength_MatchesScalarReference(int bpp)
    {
        var random = new Random(bpp);
        for (int filter = 0; filter <= 4; filter++)
        {
            for (int length = 0; length <= 70; length++)
            {
                var (row, prior) = (RandomRow(random, length), RandomRow(random, length));
                var expected = (byte[])row.Clone();
                ScalarPng.Unfilter(filter, expected, prior, bpp);

                PngUnfilter.Apply(filter, row, prior, bpp);

                Assert.True(expected.AsSpan().SequenceEqual(row), $"filter {filter}, bpp {bpp}, length {length}");
            }
        }
    }

    [Fact]
    public void Paeth_AllNeighbourTriples_MatchScalarReference()
    {
        for (int a = 0; a < 256; a += 3)
        {
            for (int b = 0; b < 256; b++)
            {
                for (int c = 0; c < 256; c += 5)
                {
                    Assert.Equal(ScalarPng.Paeth(a, b, c), PngUnfilter.Paeth(a, b, c));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(PixelSizes))]
    public void Filter_EveryFilterAndLength_MatchesScalarReference(int bpp)
    {
        var random = new Random(100 + bpp);
        for (int filter = 0; filter <= 4; filter++)
        {
            for (int length = 0; length <= 256; length++)
            {
                var (row, prior) = (RandomRow(random, length), RandomRow(random, length));
                var expected = new byte[length + 1];
                var actual = new byte[length + 1];
                long expectedScore = ScalarPng.Filter(filter, row, prior, bpp, expected);

                long score = PngFilter.Apply(filter, row, prior, bpp, actual);

                Assert.True(expected.AsSpan().SequenceEqual(actual), $"filter {filter}, bpp {bpp}, length {length}");
                Assert.Equal(expectedScore, score);
            }
        }
    }

    [Theory]
    [InlineData(0x80)]
    [InlineData(0x7F)]
    [InlineData(0xFF)]
    public void SumOfAbsolutes_LongRowOfExtremes_DoesNotOverflowLanes(byte value)
    {
        var bytes = Enumerable.Repeat(value, 40_001).ToArray();

        Assert.Equal(40_001L * Math.Abs((int)(sbyte)value), PngFilter.SumOfAbsolutes(bytes));
    }

    [Fact]
    public void Filter_ThenUnfilter_RestoresTheRow()
    {
        var random = new Random(5);
        foreach (int bpp in new[] { 3, 4 })
        {
            for (int filter = 0; filter <= 4; filter++)
            {
                var (row, prior) = (RandomRow(random, 999 * bpp), RandomRow(random, 999 * bpp));
                var filtered = new byte[row.Length + 1];
                PngFilter.Apply(filter, row, prior, bpp, filtered);

                PngUnfilter.Apply(filtered[0], filtered.AsSpan(1), prior, bpp);

                Assert.True(row.AsSpan().SequenceEqual(filtered.AsSpan(1)), $"filter {filter}, bpp {bpp}");
            }
        }
    }

    /// <summary>Random bytes, with smooth stretches so that Paeth's three choices all occur.</summary>
    private static byte[] RandomRow(Random random, int length)
    {
        var row = new byte[length];
        random.NextBytes(row);
        for (int i = 1; i < length; i++)
        {
            if (random.Next(3) == 0)
            {
                row[i] = (byte)(row[i - 1] + random.Next(-2, 3));
            }
        }

        return row;
    }
}
