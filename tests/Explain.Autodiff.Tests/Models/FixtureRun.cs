using System.Collections.Concurrent;
using Explain.Autodiff.Tests.Support;
using Microsoft.ML.OnnxRuntime;

namespace Explain.Autodiff.Tests.Models;

/// <summary>
/// Everything ORT computes for one fixture through compiled gradient graphs, made once per test
/// run: the standard graph with three seeds in one run and with each seed alone, the guided graph
/// with the fixture's class, and the standard graph's activations with ORT's graph optimizations
/// off. Only the results are kept; models and sessions are dropped.
/// </summary>
internal sealed class FixtureRun
{
    private static readonly ConcurrentDictionary<string, Lazy<FixtureRun>> Cache = new();

    public required Fixture Fixture { get; init; }

    public required float[] Logits { get; init; }

    public required float[] Activation { get; init; }

    public required float[] UnoptimizedActivation { get; init; }

    /// <summary>Rows of the K = 3 run, [3, ...].</summary>
    public required float[] GradActivationBatch { get; init; }

    public required float[] GradInputBatch { get; init; }

    /// <summary>The three seeds run one at a time, concatenated.</summary>
    public required float[] GradActivationSingles { get; init; }

    public required float[] GradInputSingles { get; init; }

    /// <summary>The fixture's class, run alone.</summary>
    public required float[] GradActivation { get; init; }

    public required float[] GradInput { get; init; }

    public required float[] GuidedGradInput { get; init; }

    public static FixtureRun For(string arch) =>
        Cache.GetOrAdd(arch, a => new Lazy<FixtureRun>(() => Compute(Fixture.Load(a)))).Value;

    private static FixtureRun Compute(Fixture fixture)
    {
        var bytes = File.ReadAllBytes(fixture.ModelPath);
        var input = fixture.Reference("input");
        var feed = (input.Floats, input.Shape);
        var standard = Compile(fixture, bytes, GradientMode.Standard);
        int classes = fixture.Reference("logits").Shape[^1];
        Dictionary<string, float[]> batch, own, unoptimized, guided;
        Dictionary<string, float[]>[] singles;
        using (var session = new Ort(standard.Model))
        {
            batch = Run(session, standard, fixture, feed, classes, fixture.BatchClasses);
            singles = fixture.BatchClasses.Select(c => Run(session, standard, fixture, feed, classes, [c])).ToArray();
            own = Run(session, standard, fixture, feed, classes, [fixture.Class]);
        }
        using (var session = new Ort(standard.Model, GraphOptimizationLevel.ORT_DISABLE_ALL))
            unoptimized = Run(session, standard, fixture, feed, classes, [fixture.Class]);
        var guidedGraph = Compile(fixture, bytes, GradientMode.Guided);
        using (var session = new Ort(guidedGraph.Model))
            guided = Run(session, guidedGraph, fixture, feed, classes, [fixture.Class]);
        string act = fixture.ActivationName, inp = fixture.InputName;
        return new FixtureRun
        {
            Fixture = fixture,
            Logits = batch[standard.ScoresOutput],
            Activation = batch[standard.ActivationOutputs[act]],
            UnoptimizedActivation = unoptimized[standard.ActivationOutputs[act]],
            GradActivationBatch = batch[standard.GradientOutputs[act]],
            GradInputBatch = batch[standard.GradientOutputs[inp]],
            GradActivationSingles = [.. singles.SelectMany(s => s[standard.GradientOutputs[act]])],
            GradInputSingles = [.. singles.SelectMany(s => s[standard.GradientOutputs[inp]])],
            GradActivation = own[standard.GradientOutputs[act]],
            GradInput = own[standard.GradientOutputs[inp]],
            GuidedGradInput = guided[guidedGraph.GradientOutputs[inp]],
        };
    }

    private static GradientGraph Compile(Fixture fixture, byte[] bytes, GradientMode mode) =>
        GradientCompiler.Compile(bytes, new GradientRequest([fixture.ActivationName], fixture.OutputName, mode, IncludeInputGradient: true), fixture.Directory);

    private static Dictionary<string, float[]> Run(Ort session, GradientGraph graph, Fixture fixture, (float[] Data, int[] Shape) input,
        int classes, int[] rows)
    {
        var seed = new float[rows.Length * classes];
        for (int k = 0; k < rows.Length; k++)
            seed[k * classes + rows[k]] = 1f;
        var outputs = session.Run(new Dictionary<string, (float[], int[])>
        {
            [fixture.InputName] = input,
            [graph.SeedInput] = (seed, [rows.Length, classes]),
        });
        return outputs.ToDictionary(o => o.Key, o => o.Value.Data);
    }
}
