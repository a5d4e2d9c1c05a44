namespace Explain.Grpc;

/// <summary>The outcome of a call: a code and an optional human-readable detail.</summary>
public readonly record struct Status(StatusCode StatusCode, string Detail = "")
{
    /// <summary>The default success status.</summary>
    public static Status Ok { get; } = new(StatusCode.OK);

    public override string ToString() =>
        string.IsNullOrEmpty(Detail) ? $"Status(StatusCode=\"{StatusCode}\")"
            : $"Status(StatusCode=\"{StatusCode}\", Detail=\"{Detail}\")";
}
