using System.Buffers.Binary;
using System.IO.Compression;

namespace Explain.Imaging.Tests;

/// <summary>ImageDecoder.Validate must refuse exactly what Decode refuses, with the same error.</summary>
public class ValidateTests
{
    public static TheoryData<string> PngFiles() =>
        [.. Directory.EnumerateFiles(Path.Combine(Fixtures.Generated, "png"), "*.png").Select(Path.GetFileName).OfType<string>().Order()];

    [Theory]
    [MemberData(nameof(PngFiles))]
    public void Validate_EveryGeneratedPng_SameVerdictAsDecode(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures.Generated, "png", name));

        AssertSameVerdict(bytes);
    }

    [Theory]
    [InlineData("both.png")]
    [InlineData("dog_cat.jfif")]
    [InlineData("horses.jpg")]
    public void Validate_RealFileWholeAndTruncated_SameVerdictAsDecode(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures.Shared, "data/images", name));
        Assert.Null(Record.Exception(() => ImageDecoder.Validate(bytes)));
        for (int cut = 0; cut < 40; cut++)
            AssertSameVerdict(bytes.AsSpan(0, bytes.Length * cut / 40).ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 5, 1, 2 })]
    [InlineData(new byte[] { 0, 1 })]
    [InlineData(new byte[] { 4, 1, 2, 3 })]
    [InlineData(new byte[] { 255, 0, 0 })]
    public void Validate_CraftedScanlines_SameVerdictAsDecode(byte[] scanline) =>
        AssertSameVerdict(PngBuilder.TwoPixelGrey(scanline));

    [Fact]
    public void Validate_LimitsAndForeignInput_SameVerdictAsDecode()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures.Shared, "data/images", "both.png"));
        var tight = new ImageLimits(1L << 20, 100 * 100);

        AssertSameVerdict(bytes, tight);
        AssertSameVerdict(bytes, new ImageLimits(1000, 1L << 30));
        AssertSameVerdict([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]);
        AssertSameVerdict(new PngBuilder().Chunk("IHDR", PngBuilder.Header(2, 1, 8, 3)).Chunk("IDAT", PngBuilder.Zlib(0, 0, 0)).Chunk("IEND", []).ToArray());
    }

    /// <summary>
    /// Damage inside the compressed image data with the CRCs made right again, so the damage
    /// reaches inflate, the data length and the filter bytes rather than stopping at the CRC.
    /// </summary>
    [Theory]
    [InlineData("ct2_d8_plain_37x23.png")]
    [InlineData("ct3_d4_adam7_37x23.png")]
    [InlineData("ct6_d16_plain_37x23.png")]
    [InlineData("ct0_d1_adam7_37x23.png")]
    public void Validate_DamagedImageDataWithGoodCrcs_SameVerdictAsDecode(string name)
    {
        var (header, other, idat) = Split(File.ReadAllBytes(Path.Combine(Fixtures.Generated, "png", name)));
        var raw = Inflate(idat);
        var random = new Random(4321);
        int refused = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] data;
            if (trial % 2 == 0)
            {
                data = (byte[])idat.Clone(); // compressed bytes damaged: inflate errors, short data
                for (int k = random.Next(1, 4); k > 0; k--)
                    data[random.Next(2, data.Length)] = (byte)random.Next(256);
            }
            else
            {
                var damagedRaw = (byte[])raw.Clone(); // raw scanlines damaged: filter types, then re-compressed
                for (int k = random.Next(1, 3); k > 0; k--)
                    damagedRaw[random.Next(damagedRaw.Length)] = (byte)random.Next(256);
                data = PngBuilder.Zlib(damagedRaw.AsSpan(0, trial % 3 == 0 ? random.Next(damagedRaw.Length) : damagedRaw.Length).ToArray());
            }

            var png = new PngBuilder().Chunk("IHDR", header);
            foreach (var (type, chunk) in other)
                png.Chunk(type, chunk);
            var bytes = png.Chunk("IDAT", data).Chunk("IEND", []).ToArray();
            refused += AssertSameVerdict(bytes) ? 1 : 0;
        }

        Assert.InRange(refused, 30, 270); // both outcomes were exercised
    }

    /// <returns>True when both refused the input.</returns>
    private static bool AssertSameVerdict(byte[] data, ImageLimits? limits = null)
    {
        var decode = Record.Exception(() => ImageDecoder.Decode(data, limits));
        var validate = Record.Exception(() => ImageDecoder.Validate(data, limits));

        Assert.Equal(decode?.GetType(), validate?.GetType());
        Assert.Equal(decode?.Message, validate?.Message);
        return decode is not null;
    }

    private static (byte[] Header, List<(string Type, byte[] Data)> Other, byte[] Idat) Split(byte[] png)
    {
        byte[] header = [];
        var other = new List<(string, byte[])>();
        using var idat = new MemoryStream();
        for (int pos = 8; pos + 12 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length).ToArray();
            if (type == "IHDR")
                header = data;
            else if (type == "IDAT")
                idat.Write(data);
            else if (type != "IEND")
                other.Add((type, data));
            pos += 12 + length;
        }

        return (header, other, idat.ToArray());
    }

    private static byte[] Inflate(byte[] zlib)
    {
        using var input = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
