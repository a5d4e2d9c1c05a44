using System.Text.Json;
using Explain.Imaging.Preprocessing;

namespace Explain.Imaging.Tests;

/// <summary>
/// Against torchvision 0.14 on PIL images (fixtures/fixtures_transforms.py): the resize must be
/// byte-exact with PIL and the tensor equal to float32 rounding; end to end from our own decoder
/// the JPEG decode is the only source of difference.
/// </summary>
public class PreprocessTests
{
    /// <summary>
    /// Measured: 0 (bit-identical float32) on all 15 cases, real JPEGs included, because the
    /// resize is byte-exact with PIL and TurboJPEG decodes these files exactly as PIL does.
    /// 1e-6 leaves room for a one-ulp difference in the float arithmetic only.
    /// </summary>
    private const double TensorTolerance = 1e-6;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var entry in Fixtures.Entries("preprocess"))
        {
            data.Add(entry.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resize_FromPilPixels_IsByteExactWithPil(string name)
    {
        var (entry, spec, pilImage) = Load(name);
        var (width, height) = ImagePreprocessor.ResizedSize(pilImage.Width, pilImage.Height, spec.ResizeShorterTo);

        var resized = ImagePreprocessor.Resize(pilImage, width, height, spec.Interpolation);

        ImageAssert.Equal(resized, entry.GetProperty("resized_width").GetInt32(), entry.GetProperty("resized_height").GetInt32(),
            Fixtures.Bytes(entry, "resized"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ToTensor_FromPilPixels_MatchesTorchvision(string name)
    {
        var (entry, spec, pilImage) = Load(name);

        var tensor = ImagePreprocessor.ToTensor(pilImage, spec);

        Assert.InRange(ImageAssert.MaxAbsError(tensor, Fixtures.Floats(entry, "tensor")), 0, TensorTolerance);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ToTensor_FromOwnDecoder_MatchesTorchvision(string name)
    {
        var (entry, spec, _) = Load(name);
        var image = ImageDecoder.DecodeFile(entry.GetProperty("image").GetString()!);

        var tensor = ImagePreprocessor.ToTensor(image, spec);

        Assert.InRange(ImageAssert.MaxAbsError(tensor, Fixtures.Floats(entry, "tensor")), 0, TensorTolerance);
    }

    [Theory]
    [InlineData(284, 177, 256, 410, 256)]
    [InlineData(177, 284, 256, 256, 410)]
    [InlineData(425, 280, 146, 221, 146)]
    [InlineData(100, 100, 32, 32, 32)]
    public void ResizedSize_ShorterSideToS_LongerTruncatedLikePythonInt(int w, int h, int s, int ew, int eh) =>
        Assert.Equal((ew, eh), ImagePreprocessor.ResizedSize(w, h, s));

    [Theory]
    [InlineData(256, 224, 16)]
    [InlineData(255, 224, 16)] // round(15.5) = 16, half to even
    [InlineData(229, 224, 2)]  // round(2.5) = 2, half to even
    [InlineData(20, 28, -4)]   // crop larger: padded by (28 − 20) // 2 on the left
    public void CropOffset_FollowsTorchvisionRounding(int size, int crop, int expected) =>
        Assert.Equal(expected, ImagePreprocessor.CropOffset(size, crop));

    internal static (JsonElement Entry, PreprocessSpec Spec, RgbImage PilImage) Load(string name)
    {
        var entry = Fixtures.Entry("preprocess", "name", name);
        var spec = PreprocessSpec.FromModelJson(entry.GetProperty("spec"));
        string image = entry.GetProperty("image").GetString()!;
        var real = Fixtures.Entries("real").FirstOrDefault(e => e.GetProperty("file").GetString() == image);
        var pilImage = real.ValueKind == JsonValueKind.Object
            ? new RgbImage(real.GetProperty("width").GetInt32(), real.GetProperty("height").GetInt32(), Fixtures.Bytes(real, "expected"))
            : ImageDecoder.DecodeFile(image); // generated PNGs: lossless, PIL agrees byte for byte
        return (entry, spec, pilImage);
    }
}
