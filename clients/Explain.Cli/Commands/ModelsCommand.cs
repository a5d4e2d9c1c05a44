using System.CommandLine;
using System.Text.Json;
using Explain.Cam;
using Explain.Cam.Models;
using Explain.Cli.Schema;
using Explain.Cli.Terminal;

namespace Explain.Cli.Commands;

/// <summary>`explain models`: the model store's models with input size, classes, default layer, backend and device.</summary>
internal static class ModelsCommand
{
    /// <summary>One row of the listing.</summary>
    internal sealed record Row(string Name, string Input, int Classes, string DefaultLayer, string Backend, string Device, string ModelJson, string Description);

    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "print the listing as JSON" };
        var command = new Command("models", """
            List the models in the model store ($EXPLAIN_MODEL_STORE, default ../shared/models): input size, classes, default target layer, backend and device.

            Examples:
              explain models
              explain models --json
            """) { json };
        command.SetAction(p =>
        {
            var store = ModelStore.Default();
            if (!Directory.Exists(store.Root))
                throw new UsageException($"model store '{store.Root}' not found: set EXPLAIN_MODEL_STORE to a folder of NAME/model.onnx + model.json + labels.txt.");
            var rows = store.Names.Select(n => Describe(store.Resolve(n))).ToList();
            if (p.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
                return ExplainApp.Ok;
            }
            console.Out.WriteLine($"model store {store.Root}: {rows.Count} model(s)");
            int name = Math.Max(5, rows.Select(r => r.Name.Length).DefaultIfEmpty(0).Max());
            int layer = Math.Max(13, rows.Select(r => r.DefaultLayer.Length).DefaultIfEmpty(0).Max());
            console.Out.WriteLine($"{"name".PadRight(name)}  {"input",-9}  {"classes",7}  {"default layer".PadRight(layer)}  {"backend",-8}  {"device",-6}  model.json");
            foreach (var r in rows)
                console.Out.WriteLine($"{r.Name.PadRight(name)}  {r.Input,-9}  {r.Classes,7}  {r.DefaultLayer.PadRight(layer)}  {r.Backend,-8}  {r.Device,-6}  {r.ModelJson}");
            return ExplainApp.Ok;
        });
        return command;
    }

    internal static Row Describe(ModelCard card)
    {
        string modelJson;
        try
        {
            ModelChecks.ValidateCard(card);
            modelJson = card.Json is null ? "missing" : "valid";
        }
        catch (ModelJsonException e)
        {
            modelJson = "INVALID: " + e.Errors.FirstOrDefault();
        }
        // model.json's layer needs no graph; otherwise the engine's choice, which needs the graph loaded.
        string layer = card.DefaultTargetLayer ?? BackendChoice(card) + " (backend's choice)";
        var (backend, device) = Backend.For(card);
        string input = card.InputHeight is int h && card.InputWidth is int w ? $"{h}x{w}" : "?";
        return new Row(card.Name, input, card.Labels.Count, layer, backend, device, modelJson, card.Description ?? "");
    }

    /// <summary>The default target as the configured backend describes the graph (EXPLAIN_BACKEND; ONNX Runtime by default), on the CPU with one thread.</summary>
    private static string BackendChoice(ModelCard card)
    {
        using var explainer = new Explainer(Backend.Open(card, Backend.Options(device: "cpu", threads: 1)), card);
        return explainer.DefaultLayer();
    }
}
