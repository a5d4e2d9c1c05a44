using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Explain.Imaging.Tests;

/// <summary>
/// The generated fixtures (fixtures/make_fixtures.sh → fixtures/generated, gitignored). The
/// script is run once per test process; it returns at once when its stamp is current.
/// </summary>
internal static class Fixtures
{
    private static readonly Lazy<JsonElement> LazyManifest = new(Generate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Directory { get; } = typeof(Fixtures).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FixturesDirectory").Value!;

    public static string Generated => Path.Combine(Directory, "generated");

    /// <summary>../shared next to the repository (or $EXPLAIN_SHARED).</summary>
    public static string Shared => Environment.GetEnvironmentVariable("EXPLAIN_SHARED")
        ?? Path.GetFullPath(Path.Combine(Directory, "../../../../shared"));

    public static JsonElement Manifest => LazyManifest.Value;

    public static IEnumerable<JsonElement> Entries(string section) => Manifest.GetProperty(section).EnumerateArray();

    public static JsonElement Entry(string section, string key, string value) =>
        Entries(section).Single(e => e.GetProperty(key).GetString() == value);

    /// <summary>Absolute path of a manifest path (relative ones live under generated/).</summary>
    public static string PathOf(string relativeOrAbsolute) =>
        Path.IsPathRooted(relativeOrAbsolute) ? relativeOrAbsolute : Path.Combine(Generated, relativeOrAbsolute);

    public static byte[] Bytes(JsonElement entry, string property) =>
        File.ReadAllBytes(PathOf(entry.GetProperty(property).GetString()!));

    public static float[] Floats(JsonElement entry, string property) =>
        MemoryMarshal.Cast<byte, float>(Bytes(entry, property)).ToArray();

    /// <summary>Runs a Python helper from fixtures/ with /usr/bin/python3; returns stdout.</summary>
    public static string RunPython(string script, params string[] args) =>
        Run("/usr/bin/python3", [Path.Combine(Directory, script), .. args]);

    private static JsonElement Generate()
    {
        Run("bash", [Path.Combine(Directory, "make_fixtures.sh")]);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Generated, "manifest.json")));
        return doc.RootElement.Clone();
    }

    private static string Run(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Cannot start {file}.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 10 minutes.");
        }

        return process.ExitCode == 0
            ? stdout
            : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}");
    }
}
