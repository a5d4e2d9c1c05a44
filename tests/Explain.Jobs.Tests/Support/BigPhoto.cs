using Explain.Imaging;
using Explain.Imaging.Png;
using Explain.Imaging.Preprocessing;
using Explain.V1;
using Google.Protobuf;

namespace Explain.Jobs.Tests.Support;

/// <summary>
/// A large photo (the shared both.png scaled up to 3000 × 2250, 6.75 MP) and a request for its
/// top 20 classes: the job of issue 12 whose events were ~170 MB with full-size overlays.
/// </summary>
public static class BigPhoto
{
    public const int Width = 3000, Height = 2250, TopK = 20;

    private static readonly Lazy<ByteString> Png = new(() =>
    {
        var photo = ImageDecoder.DecodeFile(RepoPaths.Image("both.png"));
        return ByteString.CopyFrom(PngEncoder.Encode(ImagePreprocessor.Resize(photo, Width, Height, ResampleFilter.Bilinear)));
    });

    public static ExplainRequest Request(int topK = TopK) => new()
    {
        Model = "mobilenet_v2",
        Image = Png.Value,
        Methods = { "gradcam" },
        Targets = new Targets { TopK = topK },
    };
}
