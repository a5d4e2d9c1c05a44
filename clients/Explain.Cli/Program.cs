using Explain.Cli;
using Explain.Cli.Commands;
using Explain.Engine.Errors;

var commands = new Dictionary<string, Func<string[], int>>(StringComparer.Ordinal)
{
    ["run"] = RunCommand.Run,
    ["infer"] = InferCommand.Run,
    ["layers"] = LayersCommand.Run,
    ["serve"] = ServeCommand.Run,
    ["submit"] = SubmitCommand.Run,
    ["keys"] = KeysCommand.Run,
};

if (args.Length == 0 || args[0] is "-h" or "--help" or "help" || !commands.ContainsKey(args[0]))
{
    Console.Error.WriteLine("""
        usage: explain <command> [options]
          run     --model M (--image F|DIR ... | --input-npy X.npy ...) --method a,b [--layer T] (--class k,... | --top-k n)
                  [--counterfactual] [--metrics] [--eigen-smooth] [--aug-smooth] [--scorecam-channels N]
                  [--colormap jet|turbo] [BACKEND] --out DIR   explain images: maps, overlays, result.json, index.html
          methods: gradcam gradcam++ xgradcam hirescam layercam gradcam-elementwise eigencam eigengradcam
                   scorecam ablationcam integrated-gradcam groupcam guided-backprop guided-gradcam
          infer   --model M (--input-npy X.npy) --out DIR [BACKEND]       run a model, write its outputs as .npy, print the top-5
          layers  --model M [--input-shape 1,3,224,224] [BACKEND]         list observable tensors and the default Grad-CAM target
          serve   [--port 50051] [--http-port N] [--rabbitmq amqp://...] [--models DIR] [--concurrency N] [--bind 127.0.0.1]
                  [--api-keys FILE] [--jwt-issuer I --jwt-audience A --jwt-key FILE] [--tls-cert F --tls-key F] [--insecure]
                  ingestion + workers + results in one process (in-memory transport unless --rabbitmq)
          keys    new TENANT                                              a fresh API key and its TENANT:SHA256HEX line for --api-keys
          submit  [--server http://127.0.0.1:50051] --model NAME --image F --method a,b [--layer T] (--class k,... | --top-k n)
                  [--counterfactual] [--metrics] [--colormap jet|turbo] [--timeout S] --out DIR   explain on a server, write what run writes
        BACKEND: [--backend ort|managed] [--device cpu|cuda[:N]|tensorrt[:N]] [--threads N]
          ONNX Runtime on the CPU by default (model.json "device" names a model's default device).
        M is a path to an .onnx file (model.json beside it is used when present) or a name in the model store
        ($EXPLAIN_MODEL_STORE, default ../shared/models).
        """);
    return args.Length == 0 || args[0] is "-h" or "--help" or "help" ? 0 : 2;
}

try
{
    return commands[args[0]](args[1..]);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"explain {args[0]}: {e.Message}");
    return 2;
}
catch (Exception e) when (e is EngineException or Explain.Cam.Backends.BackendUnavailableException or FileNotFoundException or DirectoryNotFoundException or ArgumentException or IOException or System.Text.Json.JsonException or FormatException or Explain.Imaging.ImagingException)
{
    Console.Error.WriteLine($"explain {args[0]}: error: {e.Message}");
    return 1;
}
