namespace Explain.Grpc.Framing;

/// <summary>One length-prefixed message as it travels: the compressed flag and the (maybe compressed) bytes.</summary>
public readonly record struct GrpcFrame(bool IsCompressed, byte[] Payload);
