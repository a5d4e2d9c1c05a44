using Explain.Engine.Errors;
using Explain.Engine.Onnx;
using Explain.Engine.Onnx.Proto;
using Explain.Engine.Tests.Fixtures;
using Google.Protobuf;

namespace Explain.Engine.Tests.Safety;

/// <summary>Issue 12 part 7: files a model names stay inside its folder, symbolic links followed.</summary>
public sealed class ModelFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("explain-modelfolder-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Resolve_PlainFileInside_ReturnsItsPath()
    {
        string model = Folder("m");
        File.WriteAllText(Path.Combine(model, "labels.txt"), "a");

        Assert.Equal(Path.Combine(model, "labels.txt"), ModelFolder.Resolve(model, "labels.txt"));
        Assert.Equal(Path.Combine(model, "labels.txt"), ModelFolder.Resolve(model, "./sub/../labels.txt"));
    }

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/../../secret.txt")]
    [InlineData("")]
    public void Resolve_SpelledEscape_ReturnsNull(string relative)
    {
        Assert.Null(ModelFolder.Resolve(Folder("m"), relative));
    }

    [Fact]
    public void Resolve_FileLinkPointingOutside_ReturnsNull()
    {
        string model = Folder("m");
        File.WriteAllText(Path.Combine(_root, "secret.txt"), "secret");
        File.CreateSymbolicLink(Path.Combine(model, "labels.txt"), Path.Combine(_root, "secret.txt"));

        Assert.Null(ModelFolder.Resolve(model, "labels.txt"));
    }

    [Fact]
    public void Resolve_DirectoryLinkPointingOutside_ReturnsNull()
    {
        string model = Folder("m");
        File.WriteAllText(Path.Combine(Folder("outside"), "secret.txt"), "secret");
        Directory.CreateSymbolicLink(Path.Combine(model, "sub"), "../outside");

        Assert.Null(ModelFolder.Resolve(model, "sub/secret.txt"));
    }

    [Fact]
    public void Resolve_LinkInsideAndLinkedFolder_Accepted()
    {
        string real = Folder("real");
        File.WriteAllText(Path.Combine(real, "a.txt"), "a");
        File.CreateSymbolicLink(Path.Combine(real, "b.txt"), "a.txt");
        Directory.CreateSymbolicLink(Path.Combine(_root, "alias"), real);

        // A model store reached through a link is fine; a link to a sibling file inside is fine.
        Assert.Equal(Path.Combine(real, "a.txt"), ModelFolder.Resolve(Path.Combine(_root, "alias"), "b.txt"));
    }

    [Fact]
    public void Resolve_LinkCycle_ThrowsIOException()
    {
        string model = Folder("m");
        File.CreateSymbolicLink(Path.Combine(model, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(model, "b"), "a");

        Assert.Throws<IOException>(() => ModelFolder.Resolve(model, "a"));
    }

    [Fact]
    public void Load_ExternalDataThroughLinkOutside_ThrowsOnnxFormatException()
    {
        string model = Folder("m");
        var weights = Enumerable.Range(0, 4 * 3 * 3 * 3).Select(i => (float)i).ToArray();
        File.WriteAllBytes(Path.Combine(_root, "outside.bin"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()).ToArray());
        File.CreateSymbolicLink(Path.Combine(model, "weights.bin"), Path.Combine(_root, "outside.bin"));
        File.WriteAllBytes(Path.Combine(model, "model.onnx"), ConvWithExternalWeights("weights.bin", null, null));

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(Path.Combine(model, "model.onnx")));

        Assert.Contains("leaves the model's folder", error.Message);
    }

    [Fact]
    public void Load_ExternalDataInside_Loads()
    {
        string model = Folder("m");
        var weights = Enumerable.Range(0, 4 * 3 * 3 * 3).Select(i => (float)i).ToArray();
        File.WriteAllBytes(Path.Combine(model, "weights.bin"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()).ToArray());
        File.WriteAllBytes(Path.Combine(model, "model.onnx"), ConvWithExternalWeights("weights.bin", null, null));

        var loaded = OnnxModel.Load(Path.Combine(model, "model.onnx"));

        Assert.Equal(weights, loaded.Initializers["w"].Floats);
    }

    [Theory]
    [InlineData("9223372036854775807", "1")] // offset + length overflows a long
    [InlineData("0", "-5")]
    [InlineData("abc", "4")]
    [InlineData("0", "99999999999999999999")]
    public void Load_ExternalDataBadRange_ThrowsOnnxFormatException(string offset, string length)
    {
        string model = Folder("m");
        File.WriteAllBytes(Path.Combine(model, "weights.bin"), new byte[432]);
        File.WriteAllBytes(Path.Combine(model, "model.onnx"), ConvWithExternalWeights("weights.bin", offset, length));

        Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(Path.Combine(model, "model.onnx")));
    }

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    private static byte[] ConvWithExternalWeights(string location, string? offset, string? length)
    {
        var w = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
        w.Dims.AddRange([4, 3, 3, 3]);
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        if (offset is not null)
            w.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset });
        if (length is not null)
            w.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length });
        var model = ModelProto.Parser.ParseFrom(OnnxBuilder.ConvRelu());
        model.Graph.Initializer.Clear();
        model.Graph.Initializer.Add(w);
        return model.ToByteArray();
    }
}
