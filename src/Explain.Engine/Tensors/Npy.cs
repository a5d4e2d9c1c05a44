using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Explain.Engine.Errors;

namespace Explain.Engine.Tensors;

/// <summary>
/// NumPy .npy files (format versions 1–3, C order) holding float32, float64 (read as float32) or int64,
/// little-endian — the interchange format of the CLI and the PyTorch fixtures.
/// </summary>
public static partial class Npy
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static Tensor Read(string path) => Read(File.ReadAllBytes(path), path);

    public static Tensor Read(byte[] bytes, string name = "npy")
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InputException($"{name}: not a .npy file");
        int major = bytes[6];
        int headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        int offset = major == 1 ? 10 : 12;
        if (offset + headerLength > bytes.Length)
            throw new InputException($"{name}: truncated .npy header");
        string header = Encoding.Latin1.GetString(bytes, offset, headerLength);
        var descr = DescrPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !shapeMatch.Success)
            throw new InputException($"{name}: unreadable .npy header {header.Trim()}");
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
            throw new InputException($"{name}: Fortran-ordered arrays are not supported");
        int[] shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        int count = TensorShape.ElementCount(shape);
        var data = bytes.AsSpan(offset + headerLength);
        return descr.Groups[1].Value switch
        {
            "<f4" => Tensor.FromArray(ReadValues<float>(data, count, 4, name), shape),
            "<f8" => Tensor.FromArray(Array.ConvertAll(ReadValues<double>(data, count, 8, name), v => (float)v), shape),
            "<i8" => Tensor.FromInt64(ReadValues<long>(data, count, 8, name), shape),
            var d => throw new InputException($"{name}: element type {d} is not supported (float32, float64, int64)"),
        };
    }

    public static void Write(string path, Tensor tensor) => File.WriteAllBytes(path, ToBytes(tensor));

    public static byte[] ToBytes(Tensor tensor)
    {
        string dims = tensor.Rank == 1 ? $"{tensor.Shape[0]}," : string.Join(", ", tensor.Shape);
        string descr = tensor.Type == DataType.Float32 ? "<f4" : "<i8";
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        using var stream = new MemoryStream();
        stream.Write(Magic);
        stream.Write([1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.Latin1.GetBytes(header));
        if (tensor.Type == DataType.Float32)
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.Floats.AsSpan()));
        else
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.Longs.AsSpan()));
        return stream.ToArray();
    }

    private static T[] ReadValues<T>(ReadOnlySpan<byte> data, int count, int size, string name) where T : unmanaged
    {
        if (data.Length < (long)count * size)
            throw new InputException($"{name}: truncated .npy data ({data.Length} bytes for {count} values)");
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(data[..(count * size)]).ToArray();
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
