namespace Explain.Grpc.Protocol;

/// <summary>Converts between call metadata and HTTP/2 header values (base64 for "-bin" keys).</summary>
public static class MetadataHeaders
{
    /// <summary>Adds one header (possibly comma-joined values) to metadata; reserved headers are skipped.</summary>
    public static void AddFromHeader(Metadata metadata, string name, IEnumerable<string?> values)
    {
        if (GrpcProtocol.IsReservedHeader(name))
        {
            return;
        }

        var binary = MetadataEntry.IsBinaryKey(name);
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            if (!binary)
            {
                metadata.Add(name, value);
                continue;
            }

            // NOTE: several binary values may arrive joined by commas; base64 never contains one.
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                metadata.Add(name, DecodeBinary(part));
            }
        }
    }

    /// <summary>The header value for an entry: base64 without padding for "-bin", as the spec prefers.</summary>
    public static string ToHeaderValue(MetadataEntry entry) =>
        entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes).TrimEnd('=') : entry.Value;

    /// <summary>Decodes base64 with or without padding (receivers must accept both).</summary>
    public static byte[] DecodeBinary(string value)
    {
        var padding = (4 - (value.Length % 4)) % 4;
        var padded = padding == 0 ? value : value + new string('=', padding);
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Invalid base64 in binary metadata."), new Metadata(), null, ex);
        }
    }
}
