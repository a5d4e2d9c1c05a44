namespace Explain.Jobs.Tests.Support;

/// <summary>The repository (the folder holding Explain.sln), its protos, and the shared model store and images.</summary>
public static class RepoPaths
{
    public const string SmallModel = "mobilenet_v1_0.25_128";

    /// <summary>Score-CAM with metrics on it takes ~2 s on two cores (0.9 s on <see cref="SmallModel"/>).</summary>
    public const string SlowModel = "mobilenet_v1_0.5_160";

    public static string Root { get; } = FindRoot();

    public static string Protos => Path.Combine(Root, "protos");

    /// <summary>google/api/*.proto (the HTTP annotations the public API imports), from the Google.Api.CommonProtos package.</summary>
    public static string GoogleApiProtos { get; } = typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "GoogleApiProtos").Value!;

    /// <summary>The shared data folder: $EXPLAIN_SHARED (./test.sh sets it), else ../shared beside the repository.</summary>
    public static string Shared => Environment.GetEnvironmentVariable("EXPLAIN_SHARED") is { Length: > 0 } dir
        ? dir
        : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string ModelStore => Path.GetFullPath(Path.Combine(Shared, "models"));

    /// <summary>
    /// The model families with seeded random weights (tests/fixtures/make_family_fixtures.py, issue 14): a model store of
    /// lraspp_mobilenet_v3, ssdlite_mobilenet_v3 and resnet18_embedding. $EXPLAIN_FAMILY_FIXTURES, else .fixtures/families.
    /// </summary>
    public static string FamilyStore => Environment.GetEnvironmentVariable("EXPLAIN_FAMILY_FIXTURES") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Root, ".fixtures", "families");

    /// <summary>A family model's file (model.onnx, mask.png, ...); missing, the test fails naming the fixture script.</summary>
    public static string Family(string model, string file) => File.Exists(Path.Combine(FamilyStore, model, file))
        ? Path.Combine(FamilyStore, model, file)
        : throw new Xunit.Sdk.XunitException($"missing family fixture {Path.Combine(FamilyStore, model, file)}: run `bash tests/fixtures/ensure-fixtures.sh`");

    public static string Image(string name) => Require(Path.GetFullPath(Path.Combine(Shared, "data", "images", name)));

    public static string Require(string path) =>
        File.Exists(path) ? path : throw new Xunit.Sdk.XunitException($"missing test input {path}");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Explain.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Explain.sln not found above " + AppContext.BaseDirectory);
    }
}
