using Explain.Bench;

// Benchmarks print one JSON object per measurement on stdout; bench/run.sh pairs them with the
// PyTorch reference run in the same session and writes the comparison.
return args.FirstOrDefault() switch
{
    "engine" => EngineBench.Run(args[1..]),
    "cam" => CamBench.Run(args[1..]),
    "methods" => MethodsBench.Run(args[1..]),
    "batch" => BatchBench.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Explain.Bench engine|cam|methods|batch --model M.onnx --input X.npy --layer NAME --threads N [--iterations K] [--maps DIR] [--heavy yes|no]");
    return 2;
}
