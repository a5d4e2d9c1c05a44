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
        CheckBatch(request);
        CheckTargets(request.Targets, "targets");
        for (int i = 0; i < request.ImageTargets.Count; i++)
            CheckTargets(request.ImageTargets[i], $"image_targets[{i}]");
        Worker.AttributionParametersMapper.Check(request.Options?.Parameters);
        Worker.EvaluationParameters.Check(request.Options?.Parameters);
        var entry = catalog.Get(request.Model);
        CheckLayers(request, entry);
        Worker.PerturbationParametersMapper.Check(request.Options?.Parameters, request.Methods, entry.Card.InputHeight, entry.Card.InputWidth);
        CheckInput(request, entry);
        CheckExtraInputs(request, entry);
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

    /// <summary>A batch (issue 14): 1..8 images instead of image / tensor, and either one Targets per image or none.</summary>
    private void CheckBatch(ExplainRequest request)
    {
        if (request.Images.Count == 0)
        {
            if (request.ImageTargets.Count > 0)
                throw JobRejectedException.Invalid("image_targets_without_images", "image_targets gives the targets of a batch's images; send the images in images", "image_targets");
            return;
        }
        if (request.InputCase != ExplainRequest.InputOneofCase.None)
            throw JobRejectedException.Invalid("two_inputs", "give either image / tensor or images, not both", "images");
        if (request.Images.Count > limits.MaxBatchImages)
            throw JobRejectedException.Invalid("too_many_images", $"at most {limits.MaxBatchImages} images per job, not {request.Images.Count}", "images");
        if (request.ImageTargets.Count > 0 && request.ImageTargets.Count != request.Images.Count)
            throw JobRejectedException.Invalid("batch_target_mismatch", $"{request.ImageTargets.Count} target lists for {request.Images.Count} images: give one per image, in the images' order", "image_targets");
        if (request.ImageTargets.Count > 0 && request.Targets is not null)
            throw JobRejectedException.Invalid("two_target_lists", "with image_targets every image has its own targets; leave targets unset", "targets");
        foreach (var (targets, field) in BatchTargets(request))
            for (int i = 0; i < (targets?.Items.Count ?? 0); i++)
                if (!targets!.Items[i].ReferenceImage.IsEmpty)
                    throw JobRejectedException.Invalid("pair_in_batch", "a similarity to a second picture explains a pair of pictures; it cannot be part of a batch", $"{field}.items[{i}].reference_image");
    }

    /// <summary>Each image's targets with the field they came from (one entry for a job of one image).</summary>
    private static IEnumerable<(Targets? Targets, string Field)> BatchTargets(ExplainRequest request) =>
        request.ImageTargets.Count > 0 ? request.ImageTargets.Select((t, i) => ((Targets?)t, $"image_targets[{i}]")) : [(request.Targets, "targets")];

    private void CheckTargets(Targets? targets, string field)
    {
        if (targets is null)
            return;
        if (targets.Classes.Count > limits.MaxClasses)
            throw JobRejectedException.Invalid("too_many_classes", $"at most {limits.MaxClasses} target classes per job", field + ".classes");
        for (int i = 0; i < targets.Classes.Count; i++)
            if (targets.Classes[i] < 0)
                throw JobRejectedException.Invalid("bad_class", "class indices are >= 0", $"{field}.classes[{i}]");
        if (targets.TopK < 0 || targets.TopK > limits.MaxTopK)
            throw JobRejectedException.Invalid("bad_top_k", $"top_k is 0..{limits.MaxTopK}", field + ".top_k");
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
                throw JobRejectedException.Invalid("undecodable_image", e.Message, $"{field}.items[{i}].reference_image");
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
        var read = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (targets, field) in BatchTargets(request))
        {
            Worker.TargetsMapper.From(targets, classes > 0 ? classes : null, limits.MaxClasses, entry.Outputs, field);
            if (classes > 0 && targets is { } t)
                for (int i = 0; i < t.Classes.Count; i++)
                    if (t.Classes[i] >= classes)
                        throw JobRejectedException.Invalid("bad_class", $"model '{LogText.Of(request.Model)}' has {classes} classes", $"{field}.classes[{i}]");
            // The images of a batch are explained on one output (one seed matrix).
            string fallback = entry.Outputs?.DefaultOutput ?? "";
            read.UnionWith((targets?.Items ?? []).Select(item => string.IsNullOrEmpty(item.Output) ? fallback : item.Output).DefaultIfEmpty(fallback));
            if (read.Count > 1)
                throw JobRejectedException.Invalid("mixed_outputs", "the targets of all images of a batch read one output", "image_targets");
        }
    }

    /// <summary>Multi-input models (issue 14 part 2): the extra inputs of each image, shaped and typed as the model's inputs.</summary>
    private void CheckExtraInputs(ExplainRequest request, ModelEntry entry)
    {
        if (request.ImageExtraInputs.Count > 0)
        {
            if (request.Images.Count == 0)
                throw JobRejectedException.Invalid("image_extra_inputs_without_images", "image_extra_inputs gives the extra inputs of a batch's images; send the images in images", "image_extra_inputs");
            if (request.ImageExtraInputs.Count != request.Images.Count)
                throw JobRejectedException.Invalid("batch_extra_inputs_mismatch", $"{request.ImageExtraInputs.Count} sets of extra inputs for {request.Images.Count} images: give one per image, in the images' order", "image_extra_inputs");
            if (request.ExtraInputs.Count > 0)
                throw JobRejectedException.Invalid("two_extra_input_lists", "with image_extra_inputs every image has its own extra inputs; leave extra_inputs empty", "extra_inputs");
        }
        bool extras = request.ExtraInputs.Count > 0 || request.ImageExtraInputs.Count > 0;
        if (extras && (request.Targets?.Items ?? []).Any(t => !t.ReferenceImage.IsEmpty))
            throw JobRejectedException.Invalid("pair_with_extra_inputs", "a similarity to a second picture explains a pair of pictures of a one-input model; it does not take extra inputs", "extra_inputs");
        foreach (var (items, field) in Worker.ExtraInputsMapper.PerImage(request))
            Worker.ExtraInputsMapper.From(items, field, limits, entry.Graph);
    }

    private void CheckInput(ExplainRequest request, ModelEntry entry)
    {
        if (request.Images.Count > 0)
        {
            for (int i = 0; i < request.Images.Count; i++)
                CheckImage(request.Images[i], request.Model, entry, $"images[{i}]");
            return;
        }
        switch (request.InputCase)
        {
            case ExplainRequest.InputOneofCase.Image:
                CheckImage(request.Image, request.Model, entry, "image");
                break;
            case ExplainRequest.InputOneofCase.Tensor:
                CheckTensor(request.Tensor, entry);
                break;
            default:
                throw JobRejectedException.Invalid("missing_input", "give image, tensor or images", "image");
        }
    }

    private void CheckImage(Google.Protobuf.ByteString image, string model, ModelEntry entry, string field)
    {
        if (entry.Spec is null)
            throw JobRejectedException.Invalid("no_preprocessing", $"model '{LogText.Of(model)}' has no model.json preprocessing; send a tensor", field);
        try
        {
            ImageDecoder.Validate(image.Span, limits.Image);
        }
        catch (ImageLimitException e)
        {
            throw JobRejectedException.Invalid("image_over_limits", e.Message, field);
        }
        catch (ImagingException e)
        {
            throw JobRejectedException.Invalid("undecodable_image", e.Message, field);
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
