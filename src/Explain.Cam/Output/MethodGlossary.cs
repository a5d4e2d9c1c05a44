namespace Explain.Cam.Output;

/// <summary>One line per method for the report page: what its map shows and where it comes from.</summary>
internal static class MethodGlossary
{
    private static readonly Dictionary<string, string> Lines = new(StringComparer.Ordinal)
    {
        ["gradcam"] = "Grad-CAM (Selvaraju et al. 2017): the target layer's feature maps weighted by their average gradient for the class.",
        ["gradcam++"] = "Grad-CAM++ (Chattopadhyay et al. 2018): like Grad-CAM with pixel-wise weights from higher-order gradients; better when the class appears several times.",
        ["xgradcam"] = "XGrad-CAM (Fu et al. 2020): gradients weighted by the activations themselves, which makes the map satisfy sensitivity and conservation axioms.",
        ["hirescam"] = "HiResCAM (Draelos & Carin 2020): the element-wise product of gradients and activations, summed over channels; faithful to what the model computes.",
        ["layercam"] = "LayerCAM (Jiang et al. 2021): activations weighted by their positive gradients per location; sharper, and works on early layers.",
        ["gradcam-elementwise"] = "Element-wise Grad-CAM: ReLU of gradient × activation per element before summing channels.",
        ["eigencam"] = "Eigen-CAM (Muhammad & Yeasin 2020): the first principal component of the activations; class-agnostic, no gradients.",
        ["eigengradcam"] = "Eigen-Grad-CAM: the first principal component of gradient-weighted activations; class-specific and less noisy.",
        ["scorecam"] = "Score-CAM (Wang et al. 2020): each feature map masks the input; the class score of the masked image is that map's weight. Gradient-free, one model run per channel.",
        ["ablationcam"] = "Ablation-CAM (Desai & Ramaswamy 2020): each channel is zeroed in turn; the drop in the class score is its weight.",
        ["integrated-gradcam"] = "Integrated Grad-CAM (Sattarzadeh et al. 2021): Grad-CAM gradients integrated along a path from a black image to this one.",
        ["groupcam"] = "Group-CAM (Zhang et al. 2021): channels grouped, each group's map masks a blurred input; score gains weigh the groups.",
        ["smoothgradcam++"] = "Smooth Grad-CAM++ (Omeiza et al. 2019): Grad-CAM++ weights from gradients averaged over noisy copies of the input; smoother maps.",
        ["sscam"] = "SS-CAM (Wang et al. 2020): Score-CAM with noise added to each mask, the masked scores averaged; smoother, one model run per channel and sample.",
        ["iscam"] = "IS-CAM (Naidu et al. 2020): Score-CAM with each mask integrated from dark to full strength; one model run per channel and step.",
        ["occlusion"] = "Occlusion (Zeiler & Fergus 2014): a patch of the baseline value slides over the image; how much the class score drops while each pixel is covered.",
        ["rise"] = "RISE (Petsiuk et al. 2018): thousands of random masks; each pixel weighs the class probability of the masked images that keep it. Model-agnostic.",
        ["guided-backprop"] = "Guided backpropagation (Springenberg et al. 2015): the input gradient with only positive signals passed back through ReLUs; fine edges, not class-specific in practice.",
        ["dff"] = "Deep Feature Factorization (Collins et al. 2018): the layer's activations factorized into a few non-negative concepts, one heatmap each, named by the classes the classifier gives the concept.",
        ["guided-gradcam"] = "Guided Grad-CAM (Selvaraju et al. 2017): guided backpropagation multiplied by the Grad-CAM map; fine detail, restricted to where Grad-CAM looks.",
    };

    public static string For(string method) => Lines.TryGetValue(method, out var line) ? line : method;
}
