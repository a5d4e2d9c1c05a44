using Explain.Engine.Tensors;
using Explain.Imaging;
using Explain.Imaging.Preprocessing;

namespace Explain.Cam.Inputs;

/// <summary>
/// One thing to explain: the model's input tensor and, when it came from a picture, the original
/// image and where the model's crop lies in it (overlays are drawn at the original resolution).
/// </summary>
public sealed record ExplainInput(string Name, Tensor Tensor, RgbImage? Original, CropFootprint Footprint, string Source)
{
    /// <summary>The model's inputs other than the image (token ids, a question, a second image), by ONNX name; empty by default.</summary>
    public IReadOnlyDictionary<string, Tensor> Extra { get; init; } = new Dictionary<string, Tensor>();

    /// <summary>Decodes and preprocesses an image as the model card says (torchvision's Resize → CenterCrop → Normalize).</summary>
    public static ExplainInput FromImage(string name, byte[] bytes, PreprocessSpec spec, ImageLimits? limits = null)
    {
        var image = ImageDecoder.Decode(bytes, limits);
        var data = ImagePreprocessor.ToTensor(image, spec);
        return new ExplainInput(name, Tensor.FromArray(data, 1, 3, spec.InputHeight, spec.InputWidth), image,
            CropFootprint.For(image.Width, image.Height, spec), "image");
    }

    /// <summary>A ready tensor [1, C, H, W]; overlays are drawn on a min-max view of its first three channels.</summary>
    public static ExplainInput FromTensor(string name, Tensor tensor)
    {
        if (tensor.Rank != 4 || tensor.Shape[0] != 1)
            throw new ArgumentException($"{name}: input tensors are [1, C, H, W], not {TensorShape.Format(tensor.Shape)}");
        int h = tensor.Shape[2], w = tensor.Shape[3];
        return new ExplainInput(name, tensor, TensorView(tensor), CropFootprint.Full(w, h), "tensor");
    }

    private static RgbImage TensorView(Tensor tensor)
    {
        int c = tensor.Shape[1], h = tensor.Shape[2], w = tensor.Shape[3];
        var x = tensor.Floats;
        float min = x.Min(), max = x.Max();
        float scale = max > min ? 255f / (max - min) : 0f;
        var pixels = new byte[h * w * 3];
        for (int p = 0; p < h * w; p++)
            for (int k = 0; k < 3; k++)
                pixels[p * 3 + k] = (byte)Math.Clamp((x[Math.Min(k, c - 1) * h * w + p] - min) * scale, 0f, 255f);
        return new RgbImage(w, h, pixels);
    }
}
