using System.Text;

namespace Explain.Grpc;

/// <summary>
/// One metadata key/value pair. Keys ending in "-bin" carry bytes (base64 on the wire,
/// see PROTOCOL-HTTP2 "Custom-Metadata"); all others carry printable ASCII strings.
/// </summary>
public sealed class MetadataEntry
{
    private readonly string? _value;
    private readonly byte[]? _bytes;

    public MetadataEntry(string key, string value)
    {
        Key = NormalizeKey(key);
        if (IsBinaryKey(Key))
        {
            throw new ArgumentException($"Key '{Key}' ends in -bin: pass a byte array.", nameof(key));
        }

        _value = value;
    }

    public MetadataEntry(string key, byte[] value)
    {
        Key = NormalizeKey(key);
        if (!IsBinaryKey(Key))
        {
            throw new ArgumentException($"Binary key '{Key}' must end in -bin.", nameof(key));
        }

        _bytes = value;
    }

    public string Key { get; }

    public bool IsBinary => _bytes is not null;

    /// <summary>The string value; for a binary entry, its bytes read as UTF-8.</summary>
    public string Value => _value ?? Encoding.UTF8.GetString(_bytes!);

    /// <summary>The byte value; for a string entry, its ASCII bytes.</summary>
    public byte[] ValueBytes => _bytes ?? Encoding.ASCII.GetBytes(_value!);

    public static bool IsBinaryKey(string key) => key.EndsWith(Protocol.GrpcProtocol.BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => IsBinary ? $"{Key}: <{_bytes!.Length} bytes>" : $"{Key}: {_value}";

    private static string NormalizeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        foreach (var c in key)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.';
            if (!valid)
            {
                throw new ArgumentException($"Metadata key '{key}' has an invalid character '{c}'.", nameof(key));
            }
        }

        return key.ToLowerInvariant();
    }
}
