using Explain.Cam;
using Explain.Jobs.Models;
using Explain.V1;
using Grpc.Core;

namespace Explain.Jobs.GrpcServices;

/// <summary>explain.v1.Models: the model store's names, and per model its inputs, labels and observable layers.</summary>
public sealed class ModelsGrpcService(ModelCatalog catalog) : Explain.V1.Models.ModelsBase
{
    /// <remarks>The first List loads every model (availability needs a load): off the request thread.</remarks>
    public override Task<ListModelsReply> List(ListModelsRequest request, ServerCallContext context) => Task.Run(() =>
    {
        var reply = new ListModelsReply();
        foreach (var name in catalog.Names)
        {
            var (available, reason) = catalog.Availability(name);
            reply.Models.Add(new ModelSummary { Name = name, Description = DescriptionOf(name), Available = available, UnavailableReason = reason ?? "" });
        }
        return reply;
    }, context.CancellationToken);

    public override async Task<ModelDescription> Describe(DescribeModelRequest request, ServerCallContext context)
    {
        var entry = await Task.Run(() => catalog.Get(request.Name), context.CancellationToken);
        var card = entry.Card;
        var description = new ModelDescription
        {
            Name = card.Name, Description = card.Description ?? "", LabelsCount = card.Labels.Count, DefaultTargetLayer = entry.DefaultLayer ?? "",
            CardJson = card.Json?.GetRawText() ?? "", Opset = entry.Opset, Producer = entry.Producer,
        };
        description.Labels.AddRange(card.Labels);
        description.Methods.AddRange(CamRegistry.Names);
        var declared = entry.Graph.Inputs.ToDictionary(i => i.Name, i => i.ElementType, StringComparer.Ordinal);
        foreach (var input in entry.Inputs)
        {
            var tensor = Tensor(input.Name, input.Shape, "");
            tensor.ElementType = !declared.TryGetValue(input.Name, out var type) || type == "float" ? "float32" : type;
            description.Inputs.Add(tensor);
        }
        foreach (var layer in entry.Layers)
            description.ObservableLayers.Add(Tensor(layer.Name, layer.Shape, layer.Producer));
        return description;
    }

    private string DescriptionOf(string name)
    {
        try
        {
            return catalog.ReadCard(name).Description ?? "";
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or FormatException)
        {
            return "";
        }
    }

    private static TensorDescription Tensor(string name, IEnumerable<int> shape, string op)
    {
        var tensor = new TensorDescription { Name = name, Op = op };
        tensor.Shape.AddRange(shape);
        return tensor;
    }
}
