namespace Explain.Imaging.Tests;

public class CorruptInputTests
{
    private static byte[] RealFile(string name) => File.ReadAllBytes(Path.Combine(Fixtures.Shared, "data/images", name));

    [Theory]
    [InlineData("both.png")]
    [InlineData("dog_cat.jfif")]
    [InlineData("horses.jpg")]
    public void Decode_TruncatedRealFile_ThrowsImageFormatException(string name)
    {
        var bytes = RealFile(name);
        for (int tenth = 0; tenth < 10; tenth++)
        {
            var cut = bytes.AsSpan(0, bytes.Length * tenth / 10).ToArray();

            var error = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(cut));

            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }
    }

    [Fact]
    public void Decode_PngWithFlippedIdatByte_ReportsCrcMismatch()
    {
        var bytes = RealFile("both.png");
        bytes[bytes.Length / 2] ^= 0x40;

        var error = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(bytes));

        Assert.Contains("CRC mismatch", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 5, 1, 2 }, "unknown filter type 5")]
    [InlineData(new byte[] { 0, 1 }, "ends before the last scanline")]
    public void Decode_BadScanlines_ThrowsWithReason(byte[] scanline, string reason)
    {
        var error = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(PngBuilder.TwoPixelGrey(scanline)));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Decode_IdatThatIsNotZlib_ThrowsImageFormatException()
    {
        var png = new PngBuilder().Chunk("IHDR", PngBuilder.Header(2, 1, 8, 0)).Chunk("IDAT", [1, 2, 3, 4, 5, 6]).ToArray();

        Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(png));
    }

    [Theory]
    [InlineData(2, 4, "bit depth 4 with colour type 2")]
    [InlineData(3, 16, "bit depth 16 with colour type 3")]
    [InlineData(5, 8, "colour type 5")]
    public void Decode_IllegalHeader_ThrowsImageFormatException(byte colorType, byte depth, string reason)
    {
        var png = new PngBuilder().Chunk("IHDR", PngBuilder.Header(2, 1, depth, colorType)).ToArray();

        Assert.Contains(reason, Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(png)).Message);
    }

    [Fact]
    public void Decode_PaletteImageWithoutPlte_ThrowsImageFormatException()
    {
        var png = new PngBuilder().Chunk("IHDR", PngBuilder.Header(2, 1, 8, 3))
            .Chunk("IDAT", PngBuilder.Zlib(0, 0, 0)).Chunk("IEND", []).ToArray();

        Assert.Contains("without a PLTE", Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(png)).Message);
    }

    [Fact]
    public void Decode_UnknownCriticalChunk_ThrowsImageFormatException()
    {
        var png = new PngBuilder().Chunk("IHDR", PngBuilder.Header(2, 1, 8, 0)).Chunk("ABCD", [1])
            .Chunk("IDAT", PngBuilder.Zlib(0, 0, 0)).ToArray();

        Assert.Contains("'ABCD'", Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(png)).Message);
    }

    [Fact]
    public void Decode_ChunkLengthPastEndOfFile_ThrowsImageFormatException()
    {
        var png = PngBuilder.TwoPixelGrey(0, 7, 9);
        png[33] = 0x7F; // IDAT length's high byte: ~2 GB declared in a 60-byte file

        Assert.Contains("past the end", Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(png)).Message);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 })]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF })]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0 })]
    public void Decode_TinyOrForeignInput_ThrowsImageFormatException(byte[] data) =>
        Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(data));

    /// <summary>Random byte damage may decode or fail, but only ever with an ImagingException.</summary>
    [Theory]
    [InlineData("png/ct3_d4_adam7_37x23.png")]
    [InlineData("png/ct6_d16_plain_37x23.png")]
    [InlineData("jpeg/progressive.jpg")]
    [InlineData("jpeg/orientation_6.jpg")]
    public void Decode_RandomlyDamagedFile_NeverThrowsAnythingElse(string file)
    {
        var original = File.ReadAllBytes(Fixtures.PathOf(file));
        var random = new Random(1234);
        for (int trial = 0; trial < 150; trial++)
        {
            var damaged = (byte[])original.Clone();
            for (int k = random.Next(1, 4); k > 0; k--)
            {
                damaged[random.Next(2, damaged.Length)] = (byte)random.Next(256);
            }

            try
            {
                ImageDecoder.Decode(damaged);
            }
            catch (ImagingException)
            {
            }
        }
    }
}
