using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Explain.Cam.Backends;
using Explain.Engine.Onnx.Proto;
using Explain.Engine.Tensors;
using Microsoft.ML.OnnxRuntime;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// The memory a model's sessions run in: the CPU's for <c>cpu</c>, the CUDA device's for <c>cuda:N</c> and
/// <c>tensorrt:N</c>. Every run binds its outputs here (<see cref="OrtRuns"/>), so a value the next pass reads
/// stays where it was computed; this class moves values across only when asked: <see cref="ToHost"/> when the
/// CAM code reads one, <see cref="ToDevice"/> for an input several passes read.
/// <para>
/// NOTE: both copies run a one-node Identity session on the same execution provider, input and output bound
/// through IO binding on either side, so ONNX Runtime's own data transfer does the copy (cudaMemcpy on a GPU,
/// a memcpy on the CPU). The C# API's <see cref="OrtEnv.CopyTensors"/> needs the provider registered with the
/// environment as a plugin library, which the CUDA provider appended to session options is not; and a CPU
/// shortcut (reading the span) would leave the GPU's copy untested on machines without one. One code path,
/// differing only in <see cref="Info"/>.
/// </para>
/// </summary>
internal sealed class DeviceMemory(OrtSessions sessions) : IDisposable
{
    private readonly Dictionary<OrtElementType, InferenceSession> _copiers = [];
    private OrtAllocator? _allocator;
    private RunOptions? _copyOptions;
    private bool _disposed;

    /// <summary>Where outputs go: the CUDA device of <c>cuda:N</c> / <c>tensorrt:N</c>, else the CPU.</summary>
    public OrtMemoryInfo Info { get; } = sessions.Device.IsGpu
        ? new OrtMemoryInfo("Cuda", OrtAllocatorType.DeviceAllocator, sessions.Device.Index, OrtMemType.Default)
        : OrtMemoryInfo.DefaultInstance;

    /// <summary>Host memory, where outputs the CAM code reads at once (scores, gradients) are bound.</summary>
    public static OrtMemoryInfo Host => OrtMemoryInfo.DefaultInstance;

    /// <summary>
    /// Whether the device's memory is the host's (the CPU provider): a value read on the host then need not be
    /// kept twice (<see cref="PassValue"/> drops its device copy once read; binding the host array costs no copy).
    /// </summary>
    public bool IsHost => !sessions.Device.IsGpu;

    /// <summary>Device values read back to the host so far (one per value the CAM code read).</summary>
    public long HostCopies { get; private set; }

    /// <summary>Host tensors copied to the device so far (the inputs of passes that take gradients).</summary>
    public long Uploads { get; private set; }

    /// <summary>ONNX Runtime values this backend created and has not released yet: device values passes hold, and any run's temporaries while it runs.</summary>
    public long Live { get; private set; }

    /// <summary>Counts <paramref name="value"/> as live until <see cref="Free"/>.</summary>
    public OrtValue Adopt(OrtValue value)
    {
        Live++;
        return value;
    }

    public void Free(OrtValue value)
    {
        value.Dispose();
        Live--;
    }

    /// <summary>A host copy of <paramref name="value"/> (on the device or not), as an engine tensor (int32 and bool widened to int64, as <see cref="OrtValues.ToTensor"/> does).</summary>
    public Tensor ToHost(OrtValue value, string name)
    {
        var info = value.GetTensorTypeAndShape();
        int[] shape = Array.ConvertAll(info.Shape, d => checked((int)d));
        int count = checked((int)info.ElementCount);
        HostCopies++;
        return info.ElementDataType switch
        {
            OrtElementType.Float => Tensor.FromArray(Copy<float>(value, info.Shape, count), shape),
            OrtElementType.Int64 => Tensor.FromInt64(Copy<long>(value, info.Shape, count), shape),
            OrtElementType.Int32 => Tensor.FromInt64(Array.ConvertAll(Copy<int>(value, info.Shape, count), v => (long)v), shape),
            OrtElementType.Bool => Tensor.FromInt64(Array.ConvertAll(Copy<bool>(value, info.Shape, count), v => v ? 1L : 0L), shape),
            var other => throw new NotSupportedException($"tensor '{name}' has element type {other}; explanations read float32 and int64 tensors"),
        };
    }

    /// <summary>A copy of <paramref name="tensor"/> on the device, owned by the caller (<see cref="Free"/>).</summary>
    public OrtValue ToDevice(Tensor tensor)
    {
        using var host = OrtValues.From(tensor);
        var device = Adopt(Copy(host));
        Uploads++;
        return device;
    }

    /// <summary>
    /// A copy of the host value <paramref name="host"/> (any element type) on the device, owned by the caller, who
    /// disposes it before this memory: a model's weights (<see cref="SharedInitializers.Place"/>), counted apart
    /// from the passes' values.
    /// </summary>
    public Placed Upload(OrtValue host)
    {
        // NOTE: AddInitializer takes only a value over memory its caller owns ("Buffer containing the initializer must
        // be owned by the user"), not one ONNX Runtime allocated: the copy is allocated on the device as usual and the
        // value sessions read is a second one over the same buffer (as Row makes), which the first keeps alive.
        var owner = Copy(host);
        try
        {
            var view = Over(owner, 0, owner.GetTensorTypeAndShape().Shape);
            WeightUploads++;
            return new Placed(view, owner);
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }

    /// <summary>A weight's copy on the device: the value sessions read and the allocated one under it, freed together.</summary>
    public sealed class Placed(OrtValue value, OrtValue owner) : IDisposable
    {
        public OrtValue Value { get; } = value;

        public void Dispose()
        {
            Value.Dispose();
            owner.Dispose();
        }
    }

    /// <summary>Weights copied to the device so far (<see cref="Upload"/>): one per shared initializer, however many sessions read it.</summary>
    public long WeightUploads { get; private set; }

    private OrtValue Copy(OrtValue host)
    {
        var info = host.GetTensorTypeAndShape();
        var device = OrtValue.CreateAllocatedTensorValue(Allocator, info.ElementDataType, info.Shape);
        try
        {
            if (info.ElementCount > 0)
                Copy(host, device, info.ElementDataType);
        }
        catch
        {
            device.Dispose();
            throw;
        }
        return device;
    }

    /// <summary>
    /// Row <paramref name="row"/> of <paramref name="value"/> (dimension 0) as a value over the same memory, no copy:
    /// on a GPU too, as it only offsets the device pointer. The caller frees it before <paramref name="value"/>.
    /// </summary>
    public OrtValue Row(OrtValue value, int row)
    {
        var info = value.GetTensorTypeAndShape();
        long rowBytes = checked((long)value.GetTensorSizeInBytes() / info.Shape[0]);
        return Adopt(Over(value, row * rowBytes, [1, .. info.Shape[1..]]));
    }

    /// <summary>A value of shape <paramref name="shape"/> over <paramref name="value"/>'s memory from byte <paramref name="offset"/> on, no copy.</summary>
    private static unsafe OrtValue Over(OrtValue value, long offset, long[] shape)
    {
        var info = value.GetTensorTypeAndShape();
        long bytes = shape.Aggregate(1L, (a, d) => a * d) * ((long)value.GetTensorSizeInBytes() / Math.Max(1L, info.ElementCount));
        // NOTE: the span is never read: on a GPU it points into device memory; only its address is taken.
        var raw = value.GetTensorMutableRawData();
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(raw));
        return OrtValue.CreateTensorValueWithData(value.GetTensorMemoryInfo(), info.ElementDataType, shape, start + (nint)offset, bytes);
    }

    private T[] Copy<T>(OrtValue value, long[] shape, int count) where T : unmanaged
    {
        var data = new T[count];
        if (count == 0)
            return data;
        using var host = OrtValue.CreateTensorValueFromMemory(Host, new Memory<T>(data), shape);
        Copy(value, host, value.GetTensorTypeAndShape().ElementDataType);
        return data;
    }

    private void Copy(OrtValue from, OrtValue to, OrtElementType type)
    {
        var session = Copier(type);
        using var binding = session.CreateIoBinding();
        binding.BindInput("x", from);
        binding.BindOutput("y", to);
        session.RunWithBinding(_copyOptions ??= new RunOptions(), binding);
    }

    /// <summary>The device's allocator, from the first copier session (every session of one device shares the provider's allocator).</summary>
    private OrtAllocator Allocator => _allocator ??= new OrtAllocator(Copier(OrtElementType.Float), Info);

    private InferenceSession Copier(OrtElementType type)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_copiers.TryGetValue(type, out var session))
            _copiers[type] = session = sessions.CreateUtility(IdentityModel((int)type));
        return session;
    }

    /// <summary>y = Identity(x), both of element type <paramref name="elemType"/> (ONNX's numbering, which ONNX Runtime's enum keeps) and any shape.</summary>
    private static ModelProto IdentityModel(int elemType)
    {
        ValueInfoProto Value(string name) => new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType } } };
        var graph = new GraphProto { Name = "copy" };
        graph.Input.Add(Value("x"));
        graph.Output.Add(Value("y"));
        graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "x" }, Output = { "y" } });
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "explain" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _allocator?.Dispose();
        foreach (var session in _copiers.Values)
            session.Dispose();
        _copiers.Clear();
        _copyOptions?.Dispose();
        if (sessions.Device.IsGpu)
            Info.Dispose();
    }
}
