using Explain.Grpc.Server;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Explain.Grpc.Reflection;

/// <summary>
/// Answers server-reflection questions from the mapped services' file descriptors: service names,
/// files by name and the file defining a symbol, each file followed by its transitive imports
/// (grpc server-reflection.md allows sending dependencies so clients need not ask again).
/// </summary>
internal sealed class ReflectionIndex(GrpcServiceRegistry registry)
{
    private readonly Lock _lock = new();
    private Dictionary<string, FileDescriptor>? _files;
    private Dictionary<string, FileDescriptor>? _symbols;

    public IReadOnlyList<string> ServiceNames => [.. registry.Services.Select(s => s.FullName)];

    public IReadOnlyList<ByteString>? FileByName(string fileName) =>
        Build().Files.TryGetValue(fileName, out var file) ? WithDependencies(file) : null;

    public IReadOnlyList<ByteString>? FileContainingSymbol(string symbol) =>
        Build().Symbols.TryGetValue(symbol, out var file) ? WithDependencies(file) : null;

    private static List<ByteString> WithDependencies(FileDescriptor root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ByteString>();
        var pending = new Stack<FileDescriptor>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var file = pending.Pop();
            if (!seen.Add(file.Name))
            {
                continue;
            }

            result.Add(file.SerializedData);
            foreach (var dependency in file.Dependencies)
            {
                pending.Push(dependency);
            }
        }

        return result;
    }

    /// <summary>Indexes lazily so services mapped after the reflection endpoint are included.</summary>
    private (Dictionary<string, FileDescriptor> Files, Dictionary<string, FileDescriptor> Symbols) Build()
    {
        lock (_lock)
        {
            var services = registry.Services;
            if (_files is not null && _symbols is not null && _symbols.Count > 0
                && services.All(s => _symbols.ContainsKey(s.FullName)))
            {
                return (_files, _symbols);
            }

            _files = new Dictionary<string, FileDescriptor>(StringComparer.Ordinal);
            _symbols = new Dictionary<string, FileDescriptor>(StringComparer.Ordinal);
            foreach (var service in services)
            {
                AddFile(service.File);
            }

            return (_files, _symbols);
        }
    }

    private void AddFile(FileDescriptor file)
    {
        if (!_files!.TryAdd(file.Name, file))
        {
            return;
        }

        foreach (var service in file.Services)
        {
            _symbols![service.FullName] = file;
            foreach (var method in service.Methods)
            {
                _symbols[method.FullName] = file;
            }
        }

        foreach (var message in file.MessageTypes)
        {
            AddMessage(message, file);
        }

        foreach (var enumType in file.EnumTypes)
        {
            _symbols![enumType.FullName] = file;
        }

        foreach (var dependency in file.Dependencies)
        {
            AddFile(dependency);
        }
    }

    private void AddMessage(MessageDescriptor message, FileDescriptor file)
    {
        _symbols![message.FullName] = file;
        foreach (var nested in message.NestedTypes)
        {
            AddMessage(nested, file);
        }

        foreach (var enumType in message.EnumTypes)
        {
            _symbols[enumType.FullName] = file;
        }
    }
}
