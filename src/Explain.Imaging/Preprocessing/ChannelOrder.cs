namespace Explain.Imaging.Preprocessing;

/// <summary>Order of the three colour planes in the model's input tensor.</summary>
public enum ChannelOrder
{
    /// <summary>Plane 0 is red: torchvision and most PyTorch models.</summary>
    Rgb,

    /// <summary>Plane 0 is blue: Caffe- and OpenCV-trained models.</summary>
    Bgr,
}
