using Explain.Cam.Models;
using Explain.Cam.Tests.Support;

namespace Explain.Cam.Tests.Safety;

/// <summary>Issue 12 part 7: a model.json cannot make the service read files outside the model's folder.</summary>
public sealed class ModelCardPathTests
{
    [Theory]
    [InlineData("../../../../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    public void ForOnnxFile_LabelsPathLeavesTheFolder_ThrowsFormatException(string labels)
    {
        using var temp = Model($$"""{ "labels": "{{labels}}" }""");

        var error = Assert.Throws<FormatException>(() => ModelCard.ForOnnxFile(temp.File("model.onnx")));

        Assert.Contains("labels", error.Message);
    }

    [Fact]
    public void ForOnnxFile_LabelsFileIsALinkOutside_ThrowsFormatException()
    {
        using var temp = Model("""{ "labels": "labels.txt" }""");
        File.CreateSymbolicLink(temp.File("labels.txt"), "/etc/passwd");

        Assert.Throws<FormatException>(() => ModelCard.ForOnnxFile(temp.File("model.onnx")));
    }

    [Fact]
    public void ForOnnxFile_LabelsInside_AreRead()
    {
        using var temp = Model("""{ "labels": "names/classes.txt" }""");
        Directory.CreateDirectory(temp.File("names"));
        File.WriteAllLines(temp.File("names/classes.txt"), ["cat", "dog"]);

        Assert.Equal(["cat", "dog"], ModelCard.ForOnnxFile(temp.File("model.onnx")).Labels);
    }

    private static TempDirectory Model(string json)
    {
        var temp = new TempDirectory("explain-card");
        File.WriteAllBytes(temp.File("model.onnx"), [0]);
        File.WriteAllText(temp.File("model.json"), json);
        return temp;
    }
}
