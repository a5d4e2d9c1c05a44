using Explain.Cam.Backends;
using Explain.Engine.Tensors;

namespace Explain.Cam.Pipeline;

/// <summary>
/// The extra inputs of a batch's images (<see cref="IModelBackend.ExtraInputs"/>), checked for every image before any pass:
/// the batch's shared passes are fed them stacked as the images are (<see cref="ForBatch"/>), each image's own work
/// (its maps, perturbation batches, metrics) its own (<see cref="ForImage"/>).
/// </summary>
internal sealed class BatchExtras
{
    private readonly IModelBackend _backend;
    private readonly IReadOnlyList<IReadOnlyDictionary<string, Tensor>> _images;
    private IReadOnlyDictionary<string, Tensor>? _stacked;

    /// <exception cref="ExtraInputException">An image's extra input is missing, unknown, of another batch than 1, element type or shape, named with the image in a batch.</exception>
    public BatchExtras(IModelBackend backend, Func<Engine.Onnx.OnnxModel> graph, IReadOnlyList<IReadOnlyDictionary<string, Tensor>> images)
    {
        _backend = backend;
        _images = images;
        for (int b = 0; b < images.Count; b++)
        {
            string of = images.Count > 1 ? $"image {b}: " : "";
            try
            {
                ExtraInputFeeds.CheckImage(backend, graph, images[b]);
            }
            catch (ExtraInputException e) when (of.Length > 0)
            {
                throw new ExtraInputException(e.InputName, of + e.Message, e.Missing, e);
            }
        }
    }

    /// <summary>Feeds the backend image <paramref name="b"/>'s extra inputs.</summary>
    public void ForImage(int b) => _backend.ExtraInputs = _images[b];

    /// <summary>Feeds the backend every image's extra inputs, stacked in image order (one set, repeated, when all images share it).</summary>
    public void ForBatch() => _backend.ExtraInputs = _images.Count == 1 || _images.All(i => ReferenceEquals(i, _images[0])) ? _images[0] : _stacked ??= Stack();

    private Dictionary<string, Tensor> Stack() =>
        _images[0].Keys.ToDictionary(name => name, name => ExtraInputFeeds.Stack(name, _images.Select(i => i[name]).ToList()), StringComparer.Ordinal);
}
