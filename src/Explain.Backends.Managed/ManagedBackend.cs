using Explain.Cam.Backends;
using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Backends.Managed;

/// <summary>
/// The managed engine (src/Explain.Engine) behind the backend seam: one <see cref="Session"/> per
/// request shape, planned once per input shape. A session keeps what its last forward pass needs
/// for backward, so a pass asks for gradients from its own session; a pass superseded by a later
/// run on the same session is re-run first (correct, one forward dearer).
/// </summary>
public sealed class ManagedBackend : IModelBackend
{
    private readonly Dictionary<string, SessionState> _sessions = new(StringComparer.Ordinal);
    private readonly int _threads;

    public ManagedBackend(OnnxModel model, int threads = 0)
    {
        Model = model;
        _threads = threads > 0 ? threads : Environment.ProcessorCount;
    }

    public OnnxModel Model { get; }

    public OnnxModel Graph => Model;

    public string Name => "managed";

    public int Opset => Model.Opset;

    public string Producer => Model.Producer;

    public IReadOnlyList<string> InputNames => Model.Inputs.Select(i => i.Name).ToList();

    public IReadOnlyList<string> OutputNames => Model.Outputs.Select(o => o.Name).ToList();

    public static ManagedBackend Load(string onnxPath, int threads = 0) => new(OnnxModel.Load(onnxPath), threads);

    public IModelBackend WithInitializers(IReadOnlyDictionary<string, Tensor> replaced) => new ManagedBackend(Model.WithInitializers(replaced), _threads) { ExtraInputs = ExtraInputs };

    public IReadOnlyList<TensorInfo> DescribeTensors(IReadOnlyDictionary<string, int[]>? inputShapes = null) =>
        new Session(Model, new SessionOptions { InputShapes = inputShapes, Optimize = false, Threads = _threads }).DescribeTensors();

    public CancellationToken Cancellation { get; set; }

    public IReadOnlyDictionary<string, Tensor> ExtraInputs { get; set; } = new Dictionary<string, Tensor>();

    public void CheckExtraInputs(IReadOnlyDictionary<string, Tensor> extras) => ExtraInputFeeds.Check(Model.Inputs, extras);

    public ForwardPass Forward(Tensor input, PassRequest request)
    {
        var state = StateFor(request.Key, () => new SessionOptions
        {
            Observe = request.Observe,
            Gradients = request.Gradients && request.Observe.Count > 0,
            InputGradients = request.InputGradients,
            Threads = _threads,
        });
        ExtraInputFeeds.Check(Model.Inputs, ExtraInputs);
        var result = state.Run(Model.Inputs[0].Name, input, ExtraInputs, Cancellation);
        return new ManagedPass(this, state, input, ExtraInputs, result);
    }

    public Tensor RunFrom(Tensor input, string tensor, Tensor replacement, string output)
    {
        var state = StateFor("resume:" + tensor, () => new SessionOptions { ResumeFrom = [tensor], Threads = _threads });
        ExtraInputFeeds.Check(Model.Inputs, ExtraInputs);
        if (!ReferenceEquals(state.LastInput, input) || !ReferenceEquals(state.LastExtras, ExtraInputs))
            state.Run(Model.Inputs[0].Name, input, ExtraInputs, Cancellation);
        return state.Session.RunFrom(tensor, replacement, Cancellation)[output];
    }

    /// <summary>Managed sessions hold only managed memory; dropping them is enough.</summary>
    public void Dispose() => _sessions.Clear();

    private SessionState StateFor(string key, Func<SessionOptions> options)
    {
        if (!_sessions.TryGetValue(key, out var state))
            _sessions[key] = state = new SessionState(new Session(Model, options()));
        return state;
    }

    private sealed class SessionState(Session session)
    {
        public Session Session { get; } = session;

        public Tensor? LastInput { get; private set; }

        public IReadOnlyDictionary<string, Tensor>? LastExtras { get; private set; }

        public int Generation { get; private set; }

        /// <summary>Runs on <paramref name="input"/> as <paramref name="inputName"/> and the extra inputs, each repeated to the input's batch.</summary>
        public ForwardResult Run(string inputName, Tensor input, IReadOnlyDictionary<string, Tensor> extras, CancellationToken cancellation)
        {
            var feeds = extras.ToDictionary(e => e.Key, e => ExtraInputFeeds.ToBatch(e.Key, e.Value, input.Shape[0]), StringComparer.Ordinal);
            feeds[inputName] = input;
            var result = Session.Run(feeds, cancellation);
            LastInput = input;
            LastExtras = extras;
            Generation++;
            return result;
        }
    }

    private sealed class ManagedPass : ForwardPass
    {
        private readonly ManagedBackend _backend;
        private readonly SessionState _state;
        private readonly Tensor _input;
        private readonly IReadOnlyDictionary<string, Tensor> _extras;
        private readonly int _generation;

        public ManagedPass(ManagedBackend backend, SessionState state, Tensor input, IReadOnlyDictionary<string, Tensor> extras, ForwardResult result) : base(result.Outputs, result.Observed)
        {
            _backend = backend;
            _state = state;
            _input = input;
            _extras = extras;
            _generation = state.Generation;
        }

        public override IReadOnlyDictionary<string, Tensor> Gradients(string output, Tensor seeds, GradientMode mode, IReadOnlyList<string> at)
        {
            if (_state.Generation != _generation)
                _state.Run(_backend.Model.Inputs[0].Name, _input, _extras, _backend.Cancellation);
            var backwardMode = mode switch { GradientMode.Guided => BackwardMode.Guided, GradientMode.GuidedReluOnly => BackwardMode.GuidedReluOnly, _ => BackwardMode.Standard };
            return _state.Session.Backward(new Dictionary<string, Tensor> { [output] = seeds }, backwardMode, at.ToList(), _backend.Cancellation);
        }
    }
}
