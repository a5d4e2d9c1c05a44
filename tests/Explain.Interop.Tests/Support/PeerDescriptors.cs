using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Explain.Interop.Tests.Support;

/// <summary>
/// The descriptors of grpc.health.v1, grpc.reflection.v1 / v1alpha and google.rpc (status,
/// error_details) as one FileDescriptorSet file for the peers. The repository carries no copy of
/// those protos and none of the installed packages ships them as .proto files (Grpc.HealthCheck
/// and Grpc.Reflection ship only compiled code), so the set is taken from the generated C# of the
/// very packages our server runs: the peers see the same schema as grpc-dotnet.
/// </summary>
internal static class PeerDescriptors
{
    public const string EnvironmentVariable = "EXPLAIN_PEER_DESCRIPTORS";

    private static readonly Lazy<string> File = new(Write);

    /// <summary>A file written once per test run (deleted with the temp folder).</summary>
    public static string FilePath => File.Value;

    private static string Write()
    {
        var set = new FileDescriptorSet();
        var added = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in new[]
        {
            Grpc.Health.V1.HealthReflection.Descriptor,
            Grpc.Reflection.V1.ReflectionReflection.Descriptor,
            Grpc.Reflection.V1Alpha.ReflectionReflection.Descriptor,
            Google.Rpc.StatusReflection.Descriptor,
            Google.Rpc.ErrorDetailsReflection.Descriptor,
        })
        {
            Add(set, added, file);
        }

        var path = Path.Combine(Path.GetTempPath(), $"explain-peer-descriptors-{Environment.ProcessId}.pb");
        System.IO.File.WriteAllBytes(path, set.ToByteArray());
        return path;
    }

    /// <summary>Imports first: descriptor pools (Python's, protobufjs') need a file's dependencies before it.</summary>
    private static void Add(FileDescriptorSet set, HashSet<string> added, FileDescriptor file)
    {
        if (!added.Add(file.Name))
        {
            return;
        }

        foreach (var dependency in file.Dependencies)
        {
            Add(set, added, dependency);
        }

        set.File.Add(FileDescriptorProto.Parser.ParseFrom(file.SerializedData));
    }
}
