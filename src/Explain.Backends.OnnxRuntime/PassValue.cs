using Explain.Engine.Tensors;
using Microsoft.ML.OnnxRuntime;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// One tensor of a forward pass: on the device where the run left it (bound as it is to the next session that
/// reads it, no host round trip), on the host once the CAM code reads it (copied once, on first read), or both.
/// Shape and element type come from ONNX Runtime's type info, so routing decisions need no copy.
/// </summary>
internal sealed class PassValue : IDisposable
{
    private readonly DeviceMemory _memory;
    private OrtValue? _device;
    private Tensor? _host;

    private PassValue(DeviceMemory memory, string name, OrtValue? device, Tensor? host, int[] shape, OrtElementType type)
    {
        _memory = memory;
        Name = name;
        _device = device;
        _host = host;
        Shape = shape;
        ElementType = type;
    }

    public string Name { get; }

    public int[] Shape { get; }

    public OrtElementType ElementType { get; }

    public bool IsFloat => ElementType == OrtElementType.Float;

    /// <summary>Whether the value is held on the device (an <see cref="OrtValue"/> this pass owns).</summary>
    public bool OnDevice => _device is not null;

    /// <summary>Whether the host has a copy (read, or given).</summary>
    public bool OnHost => _host is not null;

    /// <summary>A device value a run returned; this value owns it.</summary>
    public static PassValue Device(DeviceMemory memory, string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        return new(memory, name, value, null, Array.ConvertAll(info.Shape, d => checked((int)d)), info.ElementDataType);
    }

    /// <summary>A host tensor (a caller's input, a row-by-row run's stacked output), bound pinned where it lies.</summary>
    public static PassValue Host(DeviceMemory memory, string name, Tensor tensor) =>
        new(memory, name, null, tensor, tensor.Shape, TypeOf(tensor));

    /// <summary><paramref name="tensor"/> copied to the device once, for the passes that read it again (the input of a pass that takes gradients).</summary>
    public static PassValue Uploaded(DeviceMemory memory, string name, Tensor tensor) =>
        new(memory, name, memory.ToDevice(tensor), tensor, tensor.Shape, TypeOf(tensor));

    /// <summary>The host copy, made on first read. NOTE: on the CPU provider the device copy is then dropped: both would be host memory.</summary>
    public Tensor Read()
    {
        if (_host is not null)
            return _host;
        if (_device is null)
            throw Released();
        _host = _memory.ToHost(_device, Name);
        if (_memory.IsHost)
            ReleaseDevice();
        return _host;
    }

    /// <summary>
    /// Binds the value as input <paramref name="input"/> of <paramref name="feeds"/>: whole when <paramref name="row"/> is
    /// negative or dimension 0 is not <paramref name="batch"/>, else that row alone (a view of the device value, or a copy of the host row).
    /// </summary>
    public void BindTo(Feeds feeds, string input, int row = -1, int batch = 1)
    {
        if (_device is null && _host is null)
            throw Released();
        bool whole = row < 0 || Shape.Length == 0 || Shape[0] != batch || batch == 1;
        if (_device is not null)
        {
            if (whole)
                feeds.Add(input, _device);
            else
                feeds.AddTemporary(input, _memory.Row(_device, row));
            return;
        }
        feeds.Add(input, whole ? _host! : HostRow(_host!, row));
    }

    /// <summary>Keeps the value readable without the device: copied to the host if unread, then the device copy released (the backend's cache evicts a pass so).</summary>
    public void Evict()
    {
        if (_device is null)
            return;
        _host ??= _memory.ToHost(_device, Name);
        ReleaseDevice();
    }

    /// <summary>Releases the device copy; a value read before stays readable, an unread one is gone.</summary>
    public void Dispose()
    {
        ReleaseDevice();
    }

    private void ReleaseDevice()
    {
        if (_device is null)
            return;
        _memory.Free(_device);
        _device = null;
    }

    private ObjectDisposedException Released() =>
        new($"tensor '{Name}'", $"the forward pass's value of '{Name}' was released (the pass or its backend was disposed) before it was read");

    private static OrtElementType TypeOf(Tensor tensor) => tensor.Type == DataType.Float32 ? OrtElementType.Float : OrtElementType.Int64;

    private static Tensor HostRow(Tensor value, int row)
    {
        int size = value.Length / value.Shape[0];
        int[] shape = [1, .. value.Shape[1..]];
        return value.Type == DataType.Float32
            ? Tensor.FromArray(value.Floats.AsSpan(row * size, size).ToArray(), shape)
            : Tensor.FromInt64(value.Longs.AsSpan(row * size, size).ToArray(), shape);
    }
}
