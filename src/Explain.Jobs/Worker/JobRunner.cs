using System.Diagnostics;
using Explain.Cam;
using Explain.Cam.Inputs;
using Explain.Cam.Targets;
using Explain.Engine.Tensors;
using Explain.Imaging.Preprocessing;
using Explain.Internal.V1;
using Explain.Messaging;
using Explain.V1;
using Explainer = Explain.Cam.Explainer;
using CamOptions = Explain.Cam.ExplainOptions;

namespace Explain.Jobs.Worker;

/// <summary>
/// Runs one job: rents an explainer, makes ONE explanation (one forward pass, every method and
/// target from it) and publishes STARTED, PROGRESS while it computes when asked (<see cref="ProgressPublisher"/>),
/// PREDICTIONS, the HEATMAPs, METRICS and COMPLETED.
/// The CPU work (explaining, then rendering and encoding the heatmap events) runs on the compute
/// threads, never on the thread pool that sends and receives messages; publishes are pipelined:
/// STARTED is confirmed while the model runs, PREDICTIONS goes out while the heatmaps render,
/// COMPLETED right behind the last heatmap (the stream keeps the order of the calls, re-sends
/// after a lost connection included), and the job returns once every event is confirmed. A cancel
/// request or the deadline reaches the computation (the explainer checks the token before every
/// operator and batch), which stops within one operator; its explainer goes back to the cache.
/// </summary>
public sealed class JobRunner(IMessageTransport transport, ExplainerCache cache, ComputeThreads threads, JobsOptions options, WorkerMetrics metrics)
{
    /// <summary>Publishes the job's events through to its terminal one; returns how it ended.</summary>
    public async Task<JobEvent> RunAsync(JobMessage job, int attempt, CancellationToken cancellationToken)
    {
        var inFlight = new List<Task>();
        try
        {
            return await RunAsync(job, attempt, inFlight, cancellationToken);
        }
        catch
        {
            // The caller publishes a terminal event next: let the confirms of the earlier ones land first.
            await Task.WhenAll(inFlight).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
    }

    private async Task<JobEvent> RunAsync(JobMessage job, int attempt, List<Task> inFlight, CancellationToken cancellationToken)
    {
        string id = job.JobId;
        double queueWait = Math.Max(0, EventCodec.NowUnixMs() - job.SubmittedUnixMs);
        metrics.QueueWait(queueWait);
        // The model starts first; STARTED is sent while it runs.
        var computeStart = DateTime.UtcNow;
        var progress = new ProgressPublisher(id, envelope => transport.Events.PublishAsync(envelope, CancellationToken.None), cancellationToken);
        var compute = threads.RunAsync(() =>
        {
            var rented = cache.Rent(job.Request.Model);
            try
            {
                return (Explainer: rented, Result: Compute(rented, job.Request, job.Request.Options?.Progress == true ? progress : null, cancellationToken));
            }
            catch (OperationCanceledException)
            {
                cache.Return(rented); // an interrupted explainer is whole: the next run re-plans nothing and overwrites every buffer
                throw;
            }
        });
        inFlight.Add(compute); // however the job ends, it ends after its computation stopped
        inFlight.Add(compute.ContinueWith(_ => progress.Confirmed(), TaskScheduler.Default).Unwrap());
        var started = new JobEvent { JobId = id, Started = new Started { Worker = options.WorkerName, Attempt = attempt, QueueWaitMs = queueWait } };
        inFlight.Add(Publish(EventCodec.Event(started, EventSequences.FirstWorkerEvent), cancellationToken));
        progress.Open(); // PROGRESS goes out behind STARTED
        _ = compute.ContinueWith(t => { if (t.IsCompletedSuccessfully) cache.Return(t.Result.Explainer); }, TaskScheduler.Default);
        // No WaitAsync: a cancel or the deadline stops the computation itself within one operator,
        // and the job ends only then, so its compute thread is free for the next job (issue 12, part 4).
        var (explainer, (inputs, reference, explanations)) = await compute;
        // Every image's maps, image 0's first (a job of one image: its maps).
        var maps = explanations.SelectMany((e, image) => e.Maps.Select(map => (Image: image, Map: map))).ToList();

        long sequence = EventSequences.FirstWorkerEvent + 1;
        long predictions = sequence++;
        var apiOptions = job.Request.Options ?? new V1.ExplainOptions();
        long firstHeatmap = sequence;
        // The compute thread renders while PREDICTIONS is encoded and sent here (it still precedes the heatmaps).
        var render = threads.RunAsync(() =>
        {
            // The heatmap events' overlays and arrays, encoded: the same stage as `explain run`'s "render".
            var clock = Stopwatch.StartNew();
            var overlays = inputs.Select(input => JobEventFactory.ForOverlays(input, options.Limits.MaxOverlaySide)).ToList();
            var referenceOverlays = reference is null ? null : JobEventFactory.ForOverlays(reference, options.Limits.MaxOverlaySide);
            var events = maps.Select((m, i) =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                var on = m.Map.OnReferenceImage ? referenceOverlays ?? overlays[m.Image] : overlays[m.Image];
                return EventCodec.Event(JobEventFactory.HeatmapEvent(id, on, m.Map, i, maps.Count, apiOptions, explainer.Card.Label, m.Image), firstHeatmap + i);
            }).ToList();
            return (events, clock.Elapsed.TotalMilliseconds);
        });
        inFlight.Add(render);
        inFlight.Add(Publish(EventCodec.Event(JobEventFactory.PredictionsEvent(id, explanations), predictions), cancellationToken));
        var (heatmaps, renderMs) = await render;
        foreach (var heatmap in heatmaps)
            inFlight.Add(Publish(heatmap, cancellationToken));
        sequence += heatmaps.Count;
        var timings = new Dictionary<string, double>(BatchTimings(explanations)) { ["render"] = renderMs };
        if (explanations.Any(e => e.Metrics is not null))
            inFlight.Add(Publish(EventCodec.Event(JobEventFactory.MetricsEvent(id, explanations.SelectMany((e, image) => (e.Metrics ?? []).Select(s => (image, s)))), sequence++), cancellationToken));
        foreach (var (stage, ms) in timings)
            metrics.Stage(stage, ms);
        JobTracing.Stages(computeStart, timings.OrderBy(t => t.Key == "decode_preprocess" ? 0 : t.Key == "render" ? 2 : 1));
        var completed = JobEventFactory.CompletedEvent(id, timings, maps.Count, explanations.SelectMany((e, image) => (e.Texts ?? []).Select(t => (image, t))));
        inFlight.Add(Publish(EventCodec.Event(completed, EventSequences.Terminal), cancellationToken));
        await Task.WhenAll(inFlight);
        return completed;
    }

    /// <summary>Starts publishing the event (sent in call order) and returns its confirm.</summary>
    private Task Publish(JobEventEnvelope envelope, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return transport.Events.PublishAsync(envelope, CancellationToken.None);
    }

    /// <summary>
    /// A batch's timings: the stages its images share (one forward, one backward, one guided pass for the batch)
    /// once, every other stage summed over the images.
    /// </summary>
    private static IReadOnlyDictionary<string, double> BatchTimings(IReadOnlyList<Explanation> explanations)
    {
        if (explanations.Count == 1)
            return explanations[0].TimingsMs;
        var timings = new Dictionary<string, double>();
        foreach (var explanation in explanations)
            foreach (var (stage, ms) in explanation.TimingsMs)
                timings[stage] = explanation.SharedStages.Contains(stage) || stage == DecodeStage ? ms : timings.GetValueOrDefault(stage) + ms;
        return timings;
    }

    /// <summary>Decoding and preprocessing of the whole request, timed once (every explanation carries the same value).</summary>
    private const string DecodeStage = "decode_preprocess";

    private (IReadOnlyList<ExplainInput> Inputs, ExplainInput? Reference, IReadOnlyList<Explanation> Explanations) Compute(Explainer explainer, ExplainRequest request, IProgress<ExplainProgress>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        PreprocessSpec Spec() => PreprocessSpec.FromModelJson(explainer.Card.Json ?? throw new ArgumentException("the model has no model.json"));
        var inputs = request.Images.Count > 0
            ? request.Images.Select((image, i) => ExplainInput.FromImage($"images[{i}]", image.ToByteArray(), Spec(), options.Limits.Image)).ToList()
            : [request.InputCase == ExplainRequest.InputOneofCase.Image
                ? ExplainInput.FromImage("image", request.Image.ToByteArray(), Spec(), options.Limits.Image)
                : ExplainInput.FromTensor("tensor", Tensor.FromArray(request.Tensor.Data.ToArray(), request.Tensor.Shape.ToArray()))];
        var targets = TargetsMapper.From(request.Targets);
        // A similarity to a second picture: GAM's pair, a map on each picture (Explainer.ExplainPair).
        var reference = targets.Items.OfType<ImageSimilarityTarget>().FirstOrDefault() is { } similar
            ? ExplainInput.FromImage("reference_image", similar.Image,
                PreprocessSpec.FromModelJson(explainer.Card.Json ?? throw new ArgumentException("the model has no model.json: give reference_embedding")), options.Limits.Image)
            : null;
        double decode = clock.Elapsed.TotalMilliseconds;
        var camOptions = new CamOptions
        {
            Methods = request.Methods.Count > 0 ? request.Methods.ToList() : ["gradcam"],
            Layers = request.Layers.ToList(),
            Targets = targets,
            Metrics = request.Options?.Metrics ?? false,
            Progress = progress,
            Seed = request.Options?.Seed ?? 0,
            Attribution = AttributionParametersMapper.From(request.Options?.Parameters),
            Perturbation = PerturbationParametersMapper.From(request.Options?.Parameters),
            ScoreCamChannels = PerturbationParametersMapper.ScoreChannels(request.Options?.Parameters),
            Compat = EvaluationParameters.Compat(request.Options),
            Evaluation = EvaluationParameters.From(request.Options?.Parameters),
        };
        // Multi-input models: each image's other inputs (ingestion checked them against the model).
        var extras = ExtraInputsMapper.PerImage(request).Select(x => ExtraInputsMapper.From(x.Items, x.Field, options.Limits)).ToList();
        var explanations = request.Images.Count > 0 || extras[0].Count > 0
            ? explainer.ExplainBatch(inputs.Select(i => i.Tensor).ToList(), extras,
                request.ImageTargets.Count > 0 ? request.ImageTargets.Select((t, i) => TargetsMapper.From(t, field: $"image_targets[{i}]")).ToList() : inputs.Select(_ => targets).ToList(),
                camOptions, cancellationToken)
            : [explainer.ExplainPair(inputs[0].Tensor, reference?.Tensor, camOptions, cancellationToken)];
        return (inputs, reference, explanations.Select(e => e with { TimingsMs = new Dictionary<string, double>(e.TimingsMs) { [DecodeStage] = decode } }).ToList());
    }
}
