using CsCheck;
using Explain.Cam;
using Explain.Cam.Models;
using Explain.Engine.Errors;
using Explain.Engine.Onnx;
using Explain.Jobs.Ingestion;
using Explain.Jobs.Models;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Google.Protobuf;

namespace Explain.Jobs.Tests.Safety;

/// <summary>
/// Issue 12 fuzzing, bounded by iteration count: the ONNX parser, the model.json reader and
/// request validation never fail other than with their own error kinds, and the validator's
/// messages stay short and free of control characters whatever the request holds.
/// </summary>
public sealed class FuzzTests
{
    private static readonly Lazy<ModelCatalog> Catalog = new(() => new ModelCatalog(new JobsOptions { ModelStore = RepoPaths.ModelStore }));

    [Fact]
    public void OnnxLoad_MutatedModel_LoadsOrThrowsEngineException()
    {
        var seed = BrokenModelStore.Graph(("Relu", ["x"], ["h"]), ("Add", ["h", "x"], ["y"]));
        Gen.Select(Gen.Int[0, seed.Length - 1].Array[1, 4], Gen.Byte, Gen.Int[0, 2]).Sample(t =>
        {
            var (positions, value, kind) = t;
            var bytes = kind == 2 ? seed[..positions[0]] : (byte[])seed.Clone();
            if (kind < 2)
                foreach (int p in positions) bytes[p] = kind == 0 ? value : (byte)(bytes[p] ^ 0x80);
            var error = Record.Exception(() => OnnxModel.Load(bytes, Path.GetTempPath()));
            Assert.True(error is null or EngineException, $"threw {error}");
        }, iter: 3000);
    }

    [Fact]
    public void ModelCard_RandomModelJson_ParsesOrThrowsFormatOrJsonException()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(Path.Combine(temp.Path, "model.onnx"), [0]);
        string[] values = ["\"labels.txt\"", "\"../x\"", "\"/etc/passwd\"", "1e400", "-1", "2147483648", "null", "[]", "{}", "\"\\u0000\"", "true"];
        string[] keys = ["labels", "file", "name", "input", "outputs", "preprocess", "default_target_layer"];
        Gen.Select(Gen.Int[0, keys.Length - 1].Array[0, 5], Gen.Int[0, values.Length - 1].Array[5], Gen.Int[0, 40]).Sample(t =>
        {
            var (k, v, cut) = t;
            string json = "{" + string.Join(",", k.Select((key, i) => $"\"{keys[key]}\": {(keys[key] == "input" ? $"{{\"height\": {values[v[i]]}, \"width\": 4}}" : values[v[i]])}")) + "}";
            if (cut > 35)
                json = json[..Math.Min(json.Length, cut - 30)];
            File.WriteAllText(Path.Combine(temp.Path, "model.json"), json);
            var error = Record.Exception(() =>
            {
                var card = ModelCard.ForOnnxFile(Path.Combine(temp.Path, "model.onnx"));
                if (card.Json is { } root)
                    Imaging.Preprocessing.PreprocessSpec.FromModelJson(root);
            });
            Assert.True(error is null or FormatException or System.Text.Json.JsonException, $"{json}: threw {error}");
        }, iter: 2000);
    }

    [Fact]
    public void RequestValidator_RandomRequests_AcceptsOrRejectsWithShortCleanMessages()
    {
        var validator = new RequestValidator(Catalog.Value, JobLimits.Default);
        var image = File.ReadAllBytes(RepoPaths.Image("both.png"));
        var text = Gen.OneOf(
            Gen.Const(RepoPaths.SmallModel), Gen.Const(""), Gen.Const("gradcam"), Gen.Const("scorecam"),
            Gen.Char.Array[0, 20].Select(c => new string(c)), Gen.Char.Array[300, 2000].Select(c => new string(c)));
        var gen = Gen.Select(text, text.Array[0, 20], text.Array[0, 6], Gen.Int[-3, 1200].Array[0, 20], Gen.Int[-2, 30], Gen.Int[0, 4])
            .Select(Gen.Int[-2, 300].Array[0, 5], text, (t, shape, key) =>
            {
                var (model, methods, layers, classes, topK, input) = t;
                var request = new ExplainRequest { Model = model, IdempotencyKey = key, Targets = new Targets { TopK = topK } };
                request.Methods.AddRange(methods);
                request.Layers.AddRange(layers);
                request.Targets.Classes.AddRange(classes);
                if (input == 1)
                    request.Image = ByteString.CopyFrom(image);
                else if (input == 2)
                    request.Image = ByteString.CopyFrom(image[..(image.Length / 2)]);
                else if (input == 3)
                {
                    request.Tensor = new FloatTensor();
                    request.Tensor.Shape.AddRange(shape);
                    request.Tensor.Data.AddRange(new float[Math.Clamp(shape.Aggregate(1L, (a, d) => a * Math.Max(d, 1)), 0, 4096)]);
                }
                return request;
            });
        gen.Sample(request =>
        {
            var error = Record.Exception(() => validator.Validate(request));
            Assert.True(error is null or JobRejectedException, $"threw {error}");
            if (error is not null)
            {
                Assert.True(error.Message.Length <= 1000, $"{error.Message.Length} characters");
                Assert.DoesNotContain(error.Message, char.IsControl);
            }
        }, iter: 1500);
    }

    [Fact]
    public void RequestValidator_KnownMethodsAndModel_Accepted()
    {
        var validator = new RequestValidator(Catalog.Value, JobLimits.Default);

        var entry = validator.Validate(Requests.Image("both.png", RepoPaths.SmallModel, [.. CamRegistry.Names.Take(3)]));

        Assert.Equal(RepoPaths.SmallModel, entry.Card.Name);
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("explain-fuzz-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
