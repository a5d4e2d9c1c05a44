using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Explain.Deploy.Tests;

/// <summary>
/// Runs deploy/validate.sh once (installs its tools on first use, renders every kustomize
/// target, validates against the Kubernetes API schemas and the compose-spec schema) and loads
/// what it rendered, as JSON, for the invariant tests.
/// </summary>
public sealed class DeployFixture
{
    public string Root { get; }
    public int ExitCode { get; }
    public string Output { get; }
    /// <summary>Rendered objects per kustomize target: "base", "dev", "prod".</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<JsonObject>> Rendered { get; }
    public JsonObject? Compose { get; }

    public DeployFixture()
    {
        Root = FindRoot();
        var psi = new ProcessStartInfo("bash", [Path.Combine(Root, "deploy", "validate.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Root,
        };
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("deploy/validate.sh did not finish in 5 minutes");
        }
        ExitCode = process.ExitCode;
        Output = stdout + stderr.Result;

        var rendered = new Dictionary<string, IReadOnlyList<JsonObject>>();
        var dir = Path.Combine(Root, "artifacts", "deploy", "k8s");
        if (Directory.Exists(dir))
        {
            foreach (var file in Directory.GetFiles(dir, "*.json"))
            {
                var array = JsonNode.Parse(File.ReadAllText(file))!.AsArray();
                rendered[Path.GetFileNameWithoutExtension(file)] = array.Select(n => n!.AsObject()).ToList();
            }
        }
        Rendered = rendered;
        var compose = Path.Combine(Root, "artifacts", "deploy", "docker-compose.json");
        Compose = File.Exists(compose) ? JsonNode.Parse(File.ReadAllText(compose))!.AsObject() : null;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Explain.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("repository root (Explain.sln) not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition("deploy")]
public sealed class DeployCollection : ICollectionFixture<DeployFixture>;
