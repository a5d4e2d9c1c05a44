using System.IO.Compression;

namespace Explain.Grpc.Protocol;

/// <summary>Message-level gzip (grpc-encoding: gzip), the one algorithm besides identity we speak.</summary>
public static class MessageCompression
{
    public static bool IsSupported(string? encoding) =>
        encoding is null
        || encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase)
        || encoding.Equals(GrpcProtocol.GzipEncoding, StringComparison.OrdinalIgnoreCase);

    public static bool IsIdentity(string? encoding) =>
        encoding is null || encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a comma-separated grpc-accept-encoding value lists the encoding.</summary>
    public static bool Accepts(string? acceptEncoding, string encoding)
    {
        if (acceptEncoding is null)
        {
            return false;
        }

        foreach (var part in acceptEncoding.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Equals(encoding, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static byte[] Compress(ReadOnlySpan<byte> payload)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return output.ToArray();
    }

    /// <summary>Decompresses, refusing to inflate past the receive limit (a zip bomb guard).</summary>
    public static byte[] Decompress(byte[] payload, int maxSize)
    {
        using var input = new GZipStream(new MemoryStream(payload), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = input.Read(buffer)) > 0)
        {
            if (output.Length + read > maxSize)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted,
                    $"Received message larger than max ({maxSize} bytes) after decompression."));
            }

            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }
}
