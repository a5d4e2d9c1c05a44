using CsCheck;
using Explain.Imaging.Preprocessing;

namespace Explain.Imaging.Tests;

/// <summary>
/// Issue 12 fuzzing, bounded by iteration count: mutations of the seed corpus (corpus/, small
/// real files) through Validate, Decode and the preprocessing. Whatever the bytes, the only
/// outcomes are an image or an <see cref="ImagingException"/>, and Validate agrees with Decode.
/// </summary>
public class DecoderFuzzTests
{
    private const int Iterations = 1500;

    private static readonly string Corpus = Path.GetFullPath(Path.Combine(Fixtures.Directory, "..", "corpus"));

    private static readonly PreprocessSpec Spec = new(32, 32, ChannelOrder.Rgb, 36, ResampleFilter.Bilinear, 1 / 255.0, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);

    private static readonly ImageLimits Limits = ImageLimits.Default with { MaxPixels = 1 << 20 };

    [Theory]
    [InlineData("baseline.jpg")]
    [InlineData("progressive.jpg")]
    [InlineData("rgb.png")]
    [InlineData("palette.png")]
    [InlineData("grey-interlaced.png")]
    [InlineData("rgba.png")]
    public void Decode_MutatedSeed_ImageOrImagingException(string seed)
    {
        var original = File.ReadAllBytes(Path.Combine(Corpus, seed));
        Mutations(original).Sample(bytes => AssertDecodesOrRefuses(bytes), iter: Iterations);
    }

    [Fact]
    public void Decode_RandomBytesWithSignature_ImageOrImagingException()
    {
        Gen.Select(Gen.Int[0, 1], Gen.Byte.Array[0, 256]).Select(t =>
            (t.Item1 == 0 ? new byte[] { 0xFF, 0xD8, 0xFF } : new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }).Concat(t.Item2).ToArray())
            .Sample(bytes => AssertDecodesOrRefuses(bytes), iter: Iterations);
    }

    /// <summary>Byte flips, overwrites with boundary values, truncations and inserted runs.</summary>
    private static Gen<byte[]> Mutations(byte[] original) =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, original.Length - 1].Array[1, 6], Gen.Int[0, 6].Select(i => new byte[] { 0x00, 0xFF, 0x7F, 0x80, 0xDA, 0xC2, 0x01 }[i]), Gen.Int[1, 64])
            .Select(t =>
            {
                var (kind, positions, value, run) = t;
                var bytes = (byte[])original.Clone();
                switch (kind)
                {
                    case 0:
                        foreach (int p in positions) bytes[p] ^= (byte)(1 << (p % 8));
                        return bytes;
                    case 1:
                        foreach (int p in positions) bytes[p] = value;
                        return bytes;
                    case 2:
                        return bytes[..positions[0]];
                    default:
                        return [.. bytes[..positions[0]], .. Enumerable.Repeat(value, run), .. bytes[positions[0]..]];
                }
            });

    private static void AssertDecodesOrRefuses(byte[] bytes)
    {
        Exception? validate = Record.Exception(() => ImageDecoder.Validate(bytes, Limits));
        Exception? decode = null;
        try
        {
            var image = ImageDecoder.Decode(bytes, Limits);
            Assert.Equal(3 * 32 * 32, ImagePreprocessor.ToTensor(image, Spec).Length);
        }
        catch (Exception e)
        {
            decode = e;
        }

        Assert.True(decode is null or ImagingException, $"decode threw {decode}");
        Assert.True(validate is null or ImagingException, $"validate threw {validate}");
        Assert.Equal(decode is null, validate is null);
    }
}
