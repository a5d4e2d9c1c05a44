using Explain.Cam;
using Explain.Imaging;
using Explain.Jobs.Models;
using Explain.V1;
using Explain.Engine.Errors;

namespace Explain.Jobs.Ingestion;

/// <summary>
/// Checks a request against the limits and the model store before anything is queued: the model
/// exists (NOT_FOUND), methods and layers exist, the image decodes within the limits, counts are
/// within bounds (INVALID_ARGUMENT). Over-limit images are INVALID_ARGUMENT, not RESOURCE_EXHAUSTED:
/// the request can never succeed, so a client must not retry it.
/// </summary>
public sealed class RequestValidator(ModelCatalog catalog, JobLimits limits)
{
    public ModelEntry Validate(ExplainRequest request)
    {
        if (string.IsNullOrEmpty(request.Model) && request.InputCase == ExplainRequest.InputOneofCase.None && request.Methods.Count == 0)
            throw JobRejectedException.Invalid("empty_request", "empty request: give model, image (or tensor) and methods");
        if (string.IsNullOrEmpty(request.Model))
            throw JobRejectedException.Invalid("missing_model", "model is required", "model");
        if (request.IdempotencyKey.Length > limits.MaxIdempotencyKeyLength)
            throw JobRejectedException.Invalid("idempotency_key_too_long", $"idempotency_key is over {limits.MaxIdempotencyKeyLength} characters", "idempotency_key");
        CheckMethods(request);
        CheckTargets(request.Targets);
        Worker.AttributionParametersMapper.Check(request.Options?.Parameters);
        Worker.EvaluationParameters.Check(request.Options?.Parameters);
        var entry = catalog.Get(request.Model);
        CheckLayers(request, entry);
        Worker.PerturbationParametersMapper.Check(request.Options?.Parameters, request.Methods, entry.Card.InputHeight, entry.Card.InputWidth);
        CheckInput(request, entry);
        if (request.DeadlineUnixMs != 0 && request.DeadlineUnixMs <= EventCodec.NowUnixMs())
            throw new JobRejectedException(ErrorKind.DeadlineExceeded, "deadline_passed", "the job's deadline has already passed") { Field = "deadline_unix_ms" };
        return entry;
    }

    private void CheckMethods(ExplainRequest request)
    {
        if (request.Methods.Count > limits.MaxMethods)
            throw JobRejectedException.Invalid("too_many_methods", $"at most {limits.MaxMethods} methods per job", "methods");
        for (int i = 0; i < request.Methods.Count; i++)
            if (!CamRegistry.IsKnown(request.Methods[i]))
                throw JobRejectedException.Invalid("unknown_method", $"unknown method '{LogText.Of(request.Methods[i])}' (known: {string.Join(", ", CamRegistry.Names)})", $"methods[{i}]");
    }

    private void CheckTargets(Targets? targets)
    {
        if (targets is null)
            return;
        if (targets.Classes.Count > limits.MaxClasses)
            throw JobRejectedException.Invalid("too_many_classes", $"at most {limits.MaxClasses} target classes per job", "targets.classes");
        for (int i = 0; i < targets.Classes.Count; i++)
            if (targets.Classes[i] < 0)
                throw JobRejectedException.Invalid("bad_class", "class indices are >= 0", $"targets.classes[{i}]");
        if (targets.TopK < 0 || targets.TopK > limits.MaxTopK)
            throw JobRejectedException.Invalid("bad_top_k", $"top_k is 0..{limits.MaxTopK}", "targets.top_k");
        for (int i = 0; i < targets.Items.Count; i++)
        {
            if (targets.Items[i].ReferenceImage.IsEmpty)
                continue;
            try
            {
                ImageDecoder.Validate(targets.Items[i].ReferenceImage.Span, limits.Image);
            }
            catch (ImagingException e)
            {
                throw JobRejectedException.Invalid("undecodable_image", e.Message, $"targets.items[{i}].reference_image");
            }
        }
    }

    private void CheckLayers(ExplainRequest request, ModelEntry entry)
    {
        if (request.Layers.Count > limits.MaxLayers)
            throw JobRejectedException.Invalid("too_many_layers", $"at most {limits.MaxLayers} target layers per job", "layers");
        for (int i = 0; i < request.Layers.Count; i++)
            if (!entry.HasLayer(request.Layers[i]))
                throw JobRejectedException.Invalid("unknown_layer", $"model '{LogText.Of(request.Model)}' has no tensor '{LogText.Of(request.Layers[i])}' (see Models.Describe)", $"layers[{i}]");
        if (request.Layers.Count == 0 && entry.DefaultLayer is null)
            throw JobRejectedException.Invalid("no_default_layer", $"model '{LogText.Of(request.Model)}' has no default target layer; name one", "layers");
        int classes = entry.Card.Labels.Count;
        Worker.TargetsMapper.From(request.Targets, classes > 0 ? classes : null, limits.MaxClasses, entry.Outputs);
        if (classes > 0 && request.Targets is { } t)
            for (int i = 0; i < t.Classes.Count; i++)
                if (t.Classes[i] >= classes)
                    throw JobRejectedException.Invalid("bad_class", $"model '{LogText.Of(request.Model)}' has {classes} classes", $"targets.classes[{i}]");
    }

    private void CheckInput(ExplainRequest request, ModelEntry entry)
    {
        switch (request.InputCase)
        {
            case ExplainRequest.InputOneofCase.Image:
                CheckImage(request, entry);
                break;
            case ExplainRequest.InputOneofCase.Tensor:
                CheckTensor(request.Tensor, entry);
                break;
            default:
                throw JobRejectedException.Invalid("missing_input", "give image or tensor", "image");
        }
    }

    private void CheckImage(ExplainRequest request, ModelEntry entry)
    {
        if (entry.Spec is null)
            throw JobRejectedException.Invalid("no_preprocessing", $"model '{LogText.Of(request.Model)}' has no model.json preprocessing; send a tensor", "image");
        try
        {
            ImageDecoder.Validate(request.Image.Span, limits.Image);
        }
        catch (ImageLimitException e)
        {
            throw JobRejectedException.Invalid("image_over_limits", e.Message, "image");
        }
        catch (ImagingException e)
        {
            throw JobRejectedException.Invalid("undecodable_image", e.Message, "image");
        }
    }

    private void CheckTensor(FloatTensor tensor, ModelEntry entry)
    {
        var shape = tensor.Shape;
        if (shape.Count != 4 || shape[0] != 1 || shape.Any(d => d <= 0))
            throw JobRejectedException.Invalid("bad_tensor", "tensor shape must be [1, C, H, W]", "tensor.shape");
        long elements = (long)shape[1] * shape[2] * shape[3];
        if (elements > limits.MaxTensorElements)
            throw JobRejectedException.Invalid("tensor_over_limits", $"tensor over {limits.MaxTensorElements} elements", "tensor.shape");
        if (elements != tensor.Data.Count)
            throw JobRejectedException.Invalid("bad_tensor", $"tensor shape holds {elements} values, data has {tensor.Data.Count}", "tensor.data");
        if (entry.Card.InputHeight is int h && entry.Card.InputWidth is int w && (shape[2] != h || shape[3] != w))
            throw JobRejectedException.Invalid("bad_tensor", $"model '{LogText.Of(entry.Card.Name)}' takes {h}x{w} inputs", "tensor.shape");
    }
}
