using Explain.Engine.Tensors;

namespace Explain.Cli.Commands;

/// <summary>
/// `--extra-input NAME=FILE.npy` (issue 14 part 2) resolved per input: a name given once feeds every input the same
/// tensor; a name given once per input feeds the k-th input the k-th file. Files are read once each.
/// </summary>
internal static class ExtraInputFiles
{
    private static readonly IReadOnlyDictionary<string, Tensor> None = new Dictionary<string, Tensor>();

    /// <exception cref="UsageException">A name given neither once nor once per input, or a file that does not exist.</exception>
    public static IReadOnlyList<IReadOnlyDictionary<string, Tensor>> PerInput(IReadOnlyList<KeyValuePair<string, string>> given, int inputs)
    {
        if (given.Count == 0)
            return Enumerable.Repeat(None, inputs).ToList();
        var files = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Tensor Read(string name, string file)
        {
            if (!File.Exists(file))
                throw new UsageException($"--extra-input {name}: no file '{file}'.");
            return files.TryGetValue(file, out var t) ? t : files[file] = Npy.Read(file);
        }
        var groups = given.GroupBy(g => g.Key, StringComparer.Ordinal).ToList();
        foreach (var g in groups.Where(g => g.Count() != 1 && g.Count() != inputs))
            throw new UsageException($"--extra-input {g.Key}: {g.Count()} files for {inputs} inputs; give one for every input or one per input, in the inputs' order.");
        if (groups.All(g => g.Count() == 1))
        {
            // One set for every input: the same object, so a batch feeds it once, repeated, instead of stacking copies.
            IReadOnlyDictionary<string, Tensor> shared = groups.ToDictionary(g => g.Key, g => Read(g.Key, g.Single().Value), StringComparer.Ordinal);
            return Enumerable.Repeat(shared, inputs).ToList();
        }
        return Enumerable.Range(0, inputs).Select(k => (IReadOnlyDictionary<string, Tensor>)groups.ToDictionary(g => g.Key,
            g => Read(g.Key, g.Count() == 1 ? g.Single().Value : g.ElementAt(k).Value), StringComparer.Ordinal)).ToList();
    }
}
