using System.Buffers;
using System.Runtime.InteropServices;
using Explain.Engine.Onnx.Proto;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// A model's large floating-point initializers, held once in native memory that every session of
/// the model reads (issue 11: each session used to deserialize its own copy of the weights). At load
/// they move out of the ModelProto, which keeps their name, type and dims, so the edited copies made
/// for each session stay a few kilobytes. A session gets them through
/// <see cref="SessionOptions.AddInitializer"/>, which ONNX Runtime uses in place on the CPU and
/// whose repacked kernel weights it keeps once in the prepacked-weights container.
/// <para>
/// NOTE: a TensorProto without data fails ONNX Runtime's load-time check, so a copy handed to a
/// session declares the data as external, at location "." (the external-data folder itself, which
/// always exists); ONNX Runtime never reads it, the shared value overrides it. A graph optimizer that
/// reads weight values (the NCHWc layout of ORT_ENABLE_ALL, Conv+BatchNormalization folding) would try
/// and fail: such sessions get the data back, as references into the model file when it is unchanged
/// since load (<see cref="Reference"/>: ONNX Runtime maps them, parsing no copy), else written into
/// the proto (<see cref="Fill"/>), and no overrides (<see cref="OrtSessions"/> says why).
/// </para>
/// <para>
/// On a GPU the values a session reads must lie in the device's memory: ONNX Runtime uses a value handed to
/// <see cref="SessionOptions.AddInitializer"/> in place only when it is on the device the session planned the
/// initializer for, and otherwise reads the proto's data (here a sealed declaration, so the load fails and the
/// session falls back to a copy of its own). So <see cref="Place"/>d weights are copied to the device once, on
/// the first session that reads them, and every later session of the model reads that one device copy
/// (<see cref="AddTo"/>); the host copy stays for the sessions that need the data written into their proto
/// (<see cref="Fill"/>) and for the managed description of the graph.
/// </para>
/// </summary>
internal sealed class SharedInitializers : IDisposable
{
    /// <summary>Smaller tensors (shape vectors, scalars, most biases) stay inline: graph optimizers constant-fold them.</summary>
    public const int MinBytes = 1024;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ModelFile? _file;
    private bool _disposed;

    private SharedInitializers(ModelFile? file)
    {
        _file = file;
    }

    /// <summary>How many initializers are held.</summary>
    public int Count => _entries.Count;

    /// <summary>Their size in bytes.</summary>
    public long Bytes => _entries.Values.Sum(e => e.Length);

    /// <summary>
    /// Where sessions read the weights from: null, the host values themselves (the CPU provider); else the device
    /// copies this memory holds (a GPU's; tests place them through the CPU provider's memory, the same code).
    /// </summary>
    public DeviceMemory? Place { get; set; }

    /// <summary>How many initializers have their copy on the <see cref="Place"/> device (each copied once, whatever the number of sessions).</summary>
    public int Placed => _entries.Values.Count(e => e.Placed is not null);

    /// <summary>The value sessions read for initializer <paramref name="name"/> (its device copy when placed), or null when it is not shared.</summary>
    public OrtValue? Read(string name) => _entries.TryGetValue(name, out var entry) ? entry.Placed?.Value ?? entry.Value : null;

    /// <summary>
    /// Moves the large floating-point initializers of <paramref name="model"/> (main graph, data inline) into shared
    /// memory; none when <paramref name="share"/> is false. <paramref name="file"/>: the file the model was read from.
    /// </summary>
    public static SharedInitializers Take(ModelProto model, bool share, ModelFile? file = null)
    {
        var shared = new SharedInitializers(file);
        if (!share || model.Graph is null)
            return shared;
        foreach (var t in model.Graph.Initializer)
        {
            if (ElementType(t) is not { } type || shared._entries.ContainsKey(t.Name))
                continue;
            var data = t.RawData.Length > 0 ? t.RawData.Span : MemoryMarshal.AsBytes(t.FloatData.ToArray().AsSpan());
            if (data.Length < MinBytes || t.Dims.Aggregate(1L, (a, d) => a * d) * ElementSize(type) != data.Length)
                continue;
            shared._entries[t.Name] = Entry.Copy(data, type, [.. t.Dims]);
            t.RawData = ByteString.Empty;
            t.FloatData.Clear();
        }
        return shared;
    }

    /// <summary>The shared names <paramref name="model"/> declares without data (the initializers a session of it reads from here).</summary>
    public IEnumerable<string> Declared(ModelProto model) =>
        model.Graph.Initializer.Where(t => _entries.ContainsKey(t.Name) && !HasInlineData(t)).Select(t => t.Name);

    /// <summary>Declares the shared initializers of <paramref name="model"/> as external data ONNX Runtime does not read (see the class note).</summary>
    public void Seal(ModelProto model)
    {
        foreach (var t in model.Graph.Initializer.Where(t => _entries.ContainsKey(t.Name) && !HasInlineData(t)))
        {
            t.DataLocation = TensorProto.Types.DataLocation.External;
            t.ExternalData.Clear();
            t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "." });
            t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = _entries[t.Name].Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
    }

    /// <summary>
    /// Points <paramref name="model"/>'s shared initializers (sealed or not) at the shared data, for sessions whose
    /// optimizers read weights. NOTE: the data is wrapped, not copied (serializing the copy is the one copy):
    /// serialize <paramref name="model"/> before this is disposed, and keep only the bytes.
    /// </summary>
    public void Fill(ModelProto model)
    {
        foreach (var t in model.Graph.Initializer.Where(t => _entries.ContainsKey(t.Name) && !HasInlineData(t)))
        {
            t.ExternalData.Clear();
            t.DataLocation = TensorProto.Types.DataLocation.Default;
            t.RawData = UnsafeByteOperations.UnsafeWrap(_entries[t.Name].Memory);
        }
    }

    /// <summary>
    /// Declares <paramref name="model"/>'s shared initializers as external data at their place in the model file
    /// (relative to its folder, which sessions resolve external data against), when the file is unchanged since load.
    /// </summary>
    public void Reference(ModelProto model)
    {
        if (_file is not { } file || !file.Unchanged())
            return;
        foreach (var t in model.Graph.Initializer.Where(t => _entries.ContainsKey(t.Name) && !HasInlineData(t)))
        {
            if (!file.RawData.TryGetValue(t.Name, out var at) || at.Length != _entries[t.Name].Length)
                continue;
            t.DataLocation = TensorProto.Types.DataLocation.External;
            t.ExternalData.Clear();
            t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = Path.GetFileName(file.Path) });
            t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = at.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = at.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
    }

    /// <summary>
    /// Hands the shared values <paramref name="model"/> declares to a session's options, on the <see cref="Place"/>
    /// device when there is one (copied there on first use); the values outlive every session (disposed after them).
    /// </summary>
    public void AddTo(SessionOptions options, ModelProto model)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var name in model.Graph.Initializer.Where(t => _entries.ContainsKey(t.Name)).Select(t => t.Name))
        {
            var entry = _entries[name];
            if (Place is { } device)
                entry.Placed ??= device.Upload(entry.Value);
            options.AddInitializer(name, entry.Placed?.Value ?? entry.Value);
        }
    }

    /// <summary>Frees the values; the device copies first, while the device memory they came from is still open.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var entry in _entries.Values)
            ((IDisposable)entry).Dispose();
        _entries.Clear();
    }

    /// <summary>Data in the proto itself or in a real external file (anything but a <see cref="Seal"/>ed declaration).</summary>
    private static bool HasInlineData(TensorProto t) =>
        t.RawData.Length > 0 || t.FloatData.Count > 0 || t.DataLocation == TensorProto.Types.DataLocation.External && !IsSealed(t);

    private static bool IsSealed(TensorProto t) => t.ExternalData.Any(e => e.Key == "location" && e.Value == ".");

    private static OrtElementType? ElementType(TensorProto t) => (TensorProto.Types.DataType)t.DataType switch
    {
        _ when t.DataLocation == TensorProto.Types.DataLocation.External => null,
        TensorProto.Types.DataType.Float => OrtElementType.Float,
        TensorProto.Types.DataType.Float16 when t.RawData.Length > 0 => OrtElementType.Float16,
        TensorProto.Types.DataType.Bfloat16 when t.RawData.Length > 0 => OrtElementType.BFloat16,
        TensorProto.Types.DataType.Double when t.RawData.Length > 0 => OrtElementType.Double,
        _ => null,
    };

    private static int ElementSize(OrtElementType type) => type switch
    {
        OrtElementType.Double => 8,
        OrtElementType.Float => 4,
        _ => 2,
    };

    /// <summary>One tensor in 64-byte aligned native memory, and the OrtValue over it (ONNX Runtime does not own the buffer).</summary>
    private sealed unsafe class Entry : MemoryManager<byte>
    {
        private void* _memory;

        private Entry(void* memory, long length, OrtValue value)
        {
            _memory = memory;
            Length = length;
            Value = value;
        }

        public long Length { get; }

        public OrtValue Value { get; }

        /// <summary>The copy on the sessions' device (<see cref="Place"/>), once made; this entry owns it.</summary>
        public DeviceMemory.Placed? Placed { get; set; }

        public override Span<byte> GetSpan() => new(_memory, checked((int)Length));

        public override MemoryHandle Pin(int elementIndex = 0) => new((byte*)_memory + elementIndex);

        public override void Unpin()
        {
        }

        public static Entry Copy(ReadOnlySpan<byte> data, OrtElementType type, long[] dims)
        {
            void* memory = NativeMemory.AlignedAlloc((nuint)data.Length, 64);
            data.CopyTo(new Span<byte>(memory, data.Length));
            var value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, dims, (nint)memory, data.Length);
            return new Entry(memory, data.Length, value);
        }

        protected override void Dispose(bool disposing)
        {
            if (_memory is null)
                return;
            Placed?.Dispose();
            Value.Dispose();
            NativeMemory.AlignedFree(_memory);
            _memory = null;
        }
    }
}
