using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Explain.Deploy.Tests;

[Collection("deploy")]
public sealed partial class DeploymentTests(DeployFixture fx)
{
    private static readonly string[] Overlays = ["dev", "prod", "gpu"];
    private static readonly string[] ExplainServices = ["ingestion", "worker", "results"];
    private const string BrokerSecret = "explain-rabbitmq";

    private static readonly string[] TargetNames = ["base", "dev", "prod", "gpu"];
    public static TheoryData<string> Targets => new(TargetNames);

    [Fact]
    public void ValidateScript_RendersAndValidatesEverything()
    {
        Assert.True(fx.ExitCode == 0, $"deploy/validate.sh exited {fx.ExitCode}:\n{fx.Output}");
        Assert.Matches(@"validator self-test: (\d+)/\1 cases behave", fx.Output);
        Assert.Contains("Kustomize Version: v5", fx.Output);
        foreach (var target in TargetNames)
            Assert.Matches($@"{target}\.yaml: \d+ objects, 0 invalid", fx.Output);
        Assert.Contains("0 schema violations, 0 other problems", fx.Output);
    }

    [Theory, MemberData(nameof(Targets))]
    public void EveryContainer_HasProbesLimitsAndLockedDownSecurityContext(string target)
    {
        var workloads = Workloads(target).ToList();
        Assert.Equal(4, workloads.Count); // 3 Deployments + RabbitMQ StatefulSet
        foreach (var w in workloads)
        {
            var name = Name(w);
            var podSpec = w["spec"]!["template"]!["spec"]!.AsObject();
            var podSc = podSpec["securityContext"]?.AsObject();
            Assert.True(podSpec["automountServiceAccountToken"]?.GetValue<bool>() == false, $"{name}: automountServiceAccountToken");
            var containers = podSpec["containers"]!.AsArray().Select(c => c!.AsObject()).ToList();
            Assert.NotEmpty(containers);
            foreach (var c in containers)
            {
                var where = $"{target}: {name}/{c["name"]}";
                foreach (var probe in new[] { "livenessProbe", "readinessProbe" })
                    Assert.True(c[probe] is JsonObject, $"{where}: {probe} missing");
                foreach (var kind in new[] { "requests", "limits" })
                    foreach (var resource in new[] { "cpu", "memory" })
                        Assert.True(c["resources"]?[kind]?[resource] is not null, $"{where}: resources.{kind}.{resource} missing");
                var sc = c["securityContext"]?.AsObject();
                var nonRoot = sc?["runAsNonRoot"]?.GetValue<bool>() ?? podSc?["runAsNonRoot"]?.GetValue<bool>();
                Assert.True(nonRoot == true, $"{where}: runAsNonRoot");
                Assert.True(sc?["readOnlyRootFilesystem"]?.GetValue<bool>() == true, $"{where}: readOnlyRootFilesystem");
                Assert.True(sc?["allowPrivilegeEscalation"]?.GetValue<bool>() == false, $"{where}: allowPrivilegeEscalation");
                Assert.Contains("ALL", sc?["capabilities"]?["drop"]?.AsArray().Select(x => (string)x!) ?? []);
                Assert.True(PortByName(c, "metrics") is not null, $"{where}: no port named metrics");
                var tmp = MountAt(c, "/tmp");
                Assert.True(tmp is not null, $"{where}: no writable /tmp");
                Assert.True(Volume(podSpec, (string)tmp!["name"]!)?["emptyDir"] is not null, $"{where}: /tmp is not an emptyDir");
            }
        }
    }

    [Theory, MemberData(nameof(Targets))]
    public void ExplainPods_ProbeGrpcHealthOnNamedPortsAndMountTheModelStoreReadOnly(string target)
    {
        foreach (var svc in ExplainServices)
        {
            var deployment = Single(target, "Deployment", $"explain-{svc}");
            var podSpec = deployment["spec"]!["template"]!["spec"]!.AsObject();
            var c = Assert.Single(podSpec["containers"]!.AsArray())!.AsObject();
            var where = $"{target}: explain-{svc}";
            Assert.Equal(50051, PortByName(c, "grpc")?["containerPort"]?.GetValue<int>());
            Assert.Equal(9464, PortByName(c, "metrics")?["containerPort"]?.GetValue<int>());
            foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
                Assert.True(c[probe]?["grpc"]?["port"]?.GetValue<int>() == 50051, $"{where}: {probe} is not a grpc probe on 50051");
            var models = MountAt(c, "/models");
            Assert.True(models?["readOnly"]?.GetValue<bool>() == true, $"{where}: /models not mounted read-only");
            var pvc = Volume(podSpec, (string)models!["name"]!)?["persistentVolumeClaim"];
            Assert.Equal("explain-models", (string?)pvc?["claimName"]);
            Assert.Contains(c["envFrom"]!.AsArray(), e => (string?)e!["configMapRef"]?["name"] == "explain-models-config");
            Assert.Equal("/models", (string?)Single(target, "ConfigMap", "explain-models-config")["data"]!["EXPLAIN_MODELS"]);
            // Authentication on by default: the API keys Secret is mounted where EXPLAIN_API_KEYS points,
            // and the gRPC probes name a service (readiness per service, liveness independent of the broker).
            var keys = MountAt(c, "/secrets/api-keys");
            Assert.True(keys?["readOnly"]?.GetValue<bool>() == true, $"{where}: API keys not mounted read-only");
            Assert.Equal("explain-api-keys", (string?)Volume(podSpec, (string)keys!["name"]!)?["secret"]?["secretName"]);
            Assert.Equal("/secrets/api-keys/keys", (string?)Single(target, "ConfigMap", "explain-models-config")["data"]!["EXPLAIN_API_KEYS"]);
            Assert.Equal("explain.liveness", (string?)c["livenessProbe"]?["grpc"]?["service"]);
            var broker = c["env"]!.AsArray().Single(e => (string?)e!["name"] == "EXPLAIN_RABBITMQ")!;
            Assert.Equal(BrokerSecret, (string?)broker["valueFrom"]?["secretKeyRef"]?["name"]);
            Assert.True(podSpec["securityContext"]?["runAsUser"]?.GetValue<int>() > 0, $"{where}: runAsUser");
        }
    }

    [Theory, MemberData(nameof(Targets))]
    public void NoSecretValueIsInline(string target)
    {
        var objects = fx.Rendered[target];
        Assert.DoesNotContain(objects, o => Kind(o) == "Secret");
        var text = string.Join("\n", objects.Select(o => o.ToJsonString()));
        Assert.False(CredentialUrl().IsMatch(text), $"{target}: a URL with inline credentials");
        foreach (var w in Workloads(target))
        foreach (var c in w["spec"]!["template"]!["spec"]!["containers"]!.AsArray())
        foreach (var e in c!["env"]?.AsArray() ?? [])
        {
            var envName = (string)e!["name"]!;
            if (SecretLike().IsMatch(envName))
                Assert.True(e["valueFrom"]?["secretKeyRef"] is not null, $"{target}: {Name(w)} env {envName} is not a secretKeyRef");
        }
    }

    [Theory, MemberData(nameof(Targets))]
    public void ServicesExposeNamedPorts_AndEveryWorkloadHasPdbAndNetworkPolicy(string target)
    {
        foreach (var svc in ExplainServices)
        {
            var service = Single(target, "Service", $"explain-{svc}");
            var ports = service["spec"]!["ports"]!.AsArray();
            Assert.Contains(ports, p => (string?)p!["name"] == "grpc" && (string?)p["targetPort"] == "grpc" && p["port"]!.GetValue<int>() == 50051);
            Assert.Contains(ports, p => (string?)p!["name"] == "metrics" && (string?)p["targetPort"] == "metrics" && p["port"]!.GetValue<int>() == 9464);
            Assert.Equal($"explain-{svc}", (string?)service["spec"]!["selector"]!["app.kubernetes.io/name"]);
        }
        foreach (var w in Workloads(target).Where(w => Kind(w) == "Deployment"))
        {
            var labels = w["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
            bool Selects(JsonObject o, string path) =>
                (o[path] ?? o["spec"]![path])?["matchLabels"] is JsonObject m && m.All(kv => (string?)labels[kv.Key] == (string?)kv.Value);
            Assert.Contains(fx.Rendered[target], o => Kind(o) == "PodDisruptionBudget" && Selects(o["spec"]!.AsObject(), "selector"));
            Assert.Contains(fx.Rendered[target], o => Kind(o) == "NetworkPolicy" && Selects(o["spec"]!.AsObject(), "podSelector"));
        }
        Assert.Contains(fx.Rendered[target], o => Kind(o) == "NetworkPolicy" && o["spec"]!["podSelector"]!.AsObject().Count == 0);
        Assert.Equal("StatefulSet", Kind(Workloads(target).Single(w => Name(w) == "explain-rabbitmq")));
    }

    [Theory, MemberData(nameof(Targets))]
    public void IngestionAndResultsScaleOnCpu_WorkerHasNoHpa(string target)
    {
        foreach (var svc in new[] { "ingestion", "results" })
        {
            var hpa = Single(target, "HorizontalPodAutoscaler", $"explain-{svc}");
            Assert.Equal($"explain-{svc}", (string?)hpa["spec"]!["scaleTargetRef"]!["name"]);
            Assert.Contains(hpa["spec"]!["metrics"]!.AsArray(), m => (string?)m!["resource"]?["name"] == "cpu");
        }
        Assert.DoesNotContain(fx.Rendered[target], o => Kind(o) == "HorizontalPodAutoscaler" && Name(o) == "explain-worker");
    }

    /// <summary>Issue 11: GPU workers get a GPU each, land only on GPU nodes, run ONNX Runtime's CUDA provider and scale with KEDA on the jobs queue.</summary>
    [Fact]
    public void Gpu_WorkersRequestAGpuOnGpuNodes_AndScaleWithKedaOnTheJobsQueue()
    {
        var worker = Single("gpu", "Deployment", "explain-worker");
        var pod = worker["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        Assert.Equal("1", (string?)container["resources"]!["limits"]!["nvidia.com/gpu"]);
        Assert.Equal("true", (string?)pod["nodeSelector"]!["nvidia.com/gpu.present"]);
        Assert.Contains(pod["tolerations"]!.AsArray(), t => (string?)t!["key"] == "nvidia.com/gpu" && (string?)t["effect"] == "NoSchedule");
        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.Equal("cuda:0", env["EXPLAIN_DEVICE"]);
        Assert.Equal("ort", env["EXPLAIN_BACKEND"]);
        Assert.Contains("explain-worker-gpu", (string)container["image"]!);
        Assert.True(File.Exists(Path.Combine(fx.Root, "deploy", "docker", "Dockerfile.gpu")));

        var so = Single("gpu", "ScaledObject", "explain-worker");
        Assert.Equal(8, so["spec"]!["maxReplicaCount"]!.GetValue<int>());
        var trigger = Assert.Single(so["spec"]!["triggers"]!.AsArray())!;
        Assert.Equal("explain.jobs", (string?)trigger["metadata"]!["queueName"]);
        Assert.Equal("QueueLength", (string?)trigger["metadata"]!["mode"]);
        Assert.DoesNotContain(fx.Rendered["prod"], o => Kind(o) == "Deployment" && ((string?)o["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]?["limits"]?["nvidia.com/gpu"]) is not null);
    }

    [Fact]
    public void Prod_ScalesWorkersWithKedaOnTheJobsQueue_AndIsScrapedByAServiceMonitor()
    {
        var so = Single("prod", "ScaledObject", "explain-worker");
        Assert.Equal("explain-worker", (string?)so["spec"]!["scaleTargetRef"]!["name"]);
        var trigger = Assert.Single(so["spec"]!["triggers"]!.AsArray())!;
        Assert.Equal("rabbitmq", (string?)trigger["type"]);
        Assert.Equal("explain.jobs", (string?)trigger["metadata"]!["queueName"]);
        Assert.Equal("QueueLength", (string?)trigger["metadata"]!["mode"]);
        Assert.Null(trigger["metadata"]!["host"]); // the broker URL comes from the Secret only
        var auth = Single("prod", "TriggerAuthentication", (string)trigger["authenticationRef"]!["name"]!);
        Assert.Equal(BrokerSecret, (string?)auth["spec"]!["secretTargetRef"]![0]!["name"]);

        var sm = Single("prod", "ServiceMonitor", "explain");
        var selector = sm["spec"]!["selector"]!["matchLabels"]!.AsObject();
        Assert.Contains(sm["spec"]!["endpoints"]!.AsArray(), e => (string?)e!["port"] == "metrics" && (string?)e["path"] == "/metrics");
        foreach (var svc in ExplainServices)
        {
            var labels = Single("prod", "Service", $"explain-{svc}")["metadata"]!["labels"]!.AsObject();
            Assert.All(selector, kv => Assert.Equal((string?)kv.Value, (string?)labels[kv.Key]));
        }
        Assert.DoesNotContain(fx.Rendered["dev"], o => Kind(o) is "ScaledObject" or "ServiceMonitor");
    }

    [Fact]
    public void Overlays_SetOnlyNamespaceLabelsImagesReplicasAndComponents()
    {
        var allowed = new HashSet<string> { "apiVersion", "kind", "namespace", "labels", "resources", "components", "images", "replicas" };
        foreach (var overlay in Overlays)
        {
            var text = File.ReadAllText(Path.Combine(fx.Root, "k8s", "overlays", overlay, "kustomization.yaml"));
            var keys = TopLevelKey().Matches(text).Select(m => m.Groups[1].Value).ToList();
            Assert.All(keys, k => Assert.Contains(k, allowed));
            Assert.Contains("namespace", keys);
            var resources = Regex.Match(text, @"^resources:\s*\n((?:\s+-.*\n)+)", RegexOptions.Multiline).Groups[1].Value;
            Assert.Equal(["../../base"], resources.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().TrimStart('-').Trim()));
            var ns = Regex.Match(text, @"^namespace:\s*(\S+)", RegexOptions.Multiline).Groups[1].Value;
            Assert.All(fx.Rendered[overlay], o => Assert.Equal(ns, (string?)o["metadata"]!["namespace"]));
            foreach (var svc in ExplainServices)
            {
                var image = (string)Single(overlay, "Deployment", $"explain-{svc}")["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!;
                Assert.Matches(svc == "worker" && overlay == "gpu" ? @"/explain-worker-gpu:[\w.-]+$" : $@"/explain-{svc}:[\w.-]+$", image);
            }
        }
    }

    [Fact]
    public void Compose_MirrorsKubernetes()
    {
        var compose = fx.Compose ?? throw new Xunit.Sdk.XunitException("compose not rendered:\n" + fx.Output);
        var services = compose["services"]!.AsObject();
        Assert.Equal(2, services["worker"]!["deploy"]!["replicas"]!.GetValue<int>());
        Assert.Equal(["CMD", "rabbitmq-diagnostics", "-q", "ping"], services["rabbitmq"]!["healthcheck"]!["test"]!.AsArray().Select(x => (string)x!));
        Assert.StartsWith("rabbitmq:3-management", (string)services["rabbitmq"]!["image"]!);
        foreach (var svc in ExplainServices)
        {
            var s = services[svc]!;
            Assert.Equal("service_healthy", (string?)s["depends_on"]!["rabbitmq"]!["condition"]);
            Assert.True(s["read_only"]!.GetValue<bool>());
            Assert.Equal("deploy/docker/Dockerfile", (string?)s["build"]!["dockerfile"]);
            var project = (string)s["build"]!["args"]!["SERVICE"]!;
            Assert.True(File.Exists(Path.Combine(fx.Root, "services", project, project + ".csproj")), $"services/{project}/{project}.csproj missing");
        }
        var text = File.ReadAllText(Path.Combine(fx.Root, "docker-compose.yml"));
        foreach (Match m in Regex.Matches(text, @"amqp://(.*?)@"))
            Assert.Matches(@"^\$\{RABBITMQ_USER[^}]*\}:\$\{RABBITMQ_PASSWORD[^}]*\}$", m.Groups[1].Value); // from .env only
        Assert.DoesNotMatch(@"(?m)^[ \t]*(RABBITMQ_DEFAULT_USER|RABBITMQ_DEFAULT_PASS|GF_SECURITY_ADMIN_PASSWORD):(?>[ \t]*)(?!\$\{)", text);

        var prometheus = File.ReadAllText(Path.Combine(fx.Root, "deploy", "prometheus", "prometheus.yml"));
        foreach (var svc in ExplainServices)
            Assert.Matches($@"names: \[{svc}\]\s*\n\s*type: A\s*\n\s*port: 9464", prometheus);
        Assert.Contains("/etc/prometheus/alerts.yml", prometheus);
    }

    [Fact]
    public void Hosts_ShareOneRuntimeSettingsFile_TheImagesCopyIt_AndTheBuiltHostsCarryIt()
    {
        string[] hosts = ["services/Explain.Worker/Explain.Worker.csproj", "services/Explain.Ingestion/Explain.Ingestion.csproj",
            "services/Explain.Results/Explain.Results.csproj", "clients/Explain.Cli/Explain.Cli.csproj"];
        foreach (var host in hosts)
            Assert.Contains("<Import Project=\"../../build/ServiceHost.props\" />", File.ReadAllText(Path.Combine(fx.Root, host)));
        foreach (var dockerfile in new[] { "Dockerfile", "Dockerfile.gpu" })
        {
            var text = File.ReadAllText(Path.Combine(fx.Root, "deploy", "docker", dockerfile));
            int copy = text.IndexOf("COPY build/ build/", StringComparison.Ordinal);
            Assert.True(copy >= 0 && copy < text.IndexOf("dotnet restore", StringComparison.Ordinal), $"{dockerfile}: build/ must be copied before the restore");
        }
        // Every host's runtimeconfig.json (the solution is built before the tests) keeps per-job buffers off the LOH.
        foreach (var (project, assembly) in new[] { ("services/Explain.Worker", "explain-worker"), ("services/Explain.Ingestion", "explain-ingestion"), ("services/Explain.Results", "explain-results"), ("clients/Explain.Cli", "explain") })
        {
            var config = Directory.GetFiles(Path.Combine(fx.Root, project, "bin"), assembly + ".runtimeconfig.json", SearchOption.AllDirectories);
            Assert.NotEmpty(config);
            foreach (var file in config)
            {
                var properties = JsonNode.Parse(File.ReadAllText(file))!["runtimeOptions"]!["configProperties"]!;
                Assert.Equal(1048576, properties["System.GC.LOHThreshold"]!.GetValue<int>());
                Assert.False(properties["System.GC.Server"]!.GetValue<bool>());
            }
        }
    }

    [Fact]
    public void Dockerfile_BuildsWithSdkRunsOnAspnetAsNonRoot()
    {
        var text = File.ReadAllText(Path.Combine(fx.Root, "deploy", "docker", "Dockerfile"));
        var froms = Regex.Matches(text, @"(?m)^FROM\s+(\S+)").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, froms.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", froms[0]);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", froms[1]);
        var user = Regex.Matches(text, @"(?m)^USER\s+(\S+)").Last().Groups[1].Value;
        Assert.Matches(@"^[1-9]\d*(:\d+)?$", user); // numeric, so kubelet can enforce runAsNonRoot
        Assert.True(text.IndexOf("dotnet restore", StringComparison.Ordinal) < text.IndexOf("COPY src/", StringComparison.Ordinal), "restore layer must come before the sources");
        Assert.Contains("ARG SERVICE", text);
        Assert.Contains("libturbojpeg", text);
        Assert.Contains("--port 50051 --http-port 9464", text);
        var ignore = File.ReadAllText(Path.Combine(fx.Root, ".dockerignore"));
        Assert.Contains("**/bin/", ignore);
        Assert.Contains(".env", ignore);
    }

    // ---- helpers ----
    private IEnumerable<JsonObject> Workloads(string target) =>
        fx.Rendered.TryGetValue(target, out var objects)
            ? objects.Where(o => Kind(o) is "Deployment" or "StatefulSet")
            : throw new Xunit.Sdk.XunitException($"{target} not rendered:\n{fx.Output}");

    private JsonObject Single(string target, string kind, string name) =>
        fx.Rendered.TryGetValue(target, out var objects)
            ? objects.SingleOrDefault(o => Kind(o) == kind && Name(o) == name) ?? throw new Xunit.Sdk.XunitException($"{target}: no {kind} {name}")
            : throw new Xunit.Sdk.XunitException($"{target} not rendered:\n{fx.Output}");

    private static string Kind(JsonObject o) => (string)o["kind"]!;
    private static string Name(JsonObject o) => (string)o["metadata"]!["name"]!;
    private static JsonNode? PortByName(JsonObject c, string name) => c["ports"]?.AsArray().FirstOrDefault(p => (string?)p!["name"] == name);
    private static JsonNode? MountAt(JsonObject c, string path) => c["volumeMounts"]?.AsArray().FirstOrDefault(m => (string?)m!["mountPath"] == path);
    private static JsonNode? Volume(JsonObject podSpec, string name) => podSpec["volumes"]?.AsArray().FirstOrDefault(v => (string?)v!["name"] == name);

    [GeneratedRegex(@"[a-z][a-z0-9+.-]*://[^/@\s""]+:[^/@\s""]+@")]
    private static partial Regex CredentialUrl();
    [GeneratedRegex(@"PASS|SECRET|TOKEN|USER|RABBITMQ|KEY", RegexOptions.IgnoreCase)]
    private static partial Regex SecretLike();
    [GeneratedRegex(@"(?m)^([A-Za-z]+):")]
    private static partial Regex TopLevelKey();
}
