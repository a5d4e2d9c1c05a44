namespace Explain.Backends.OnnxRuntime;

/// <summary>The file a model was read from, as it was then: where its initializers' raw data lies (<see cref="RawDataOffsets"/>), its length and write time.</summary>
internal sealed record ModelFile(string Path, IReadOnlyDictionary<string, (long Offset, long Length)> RawData, long Length, DateTime LastWriteUtc)
{
    public static ModelFile Of(string path, ReadOnlySpan<byte> bytes)
    {
        var info = new FileInfo(path);
        return new ModelFile(path, RawDataOffsets.Find(bytes), info.Length, info.LastWriteTimeUtc);
    }

    /// <summary>Whether the file still is what was read (a model replaced in place must not lend its bytes to the old one's sessions).</summary>
    public bool Unchanged()
    {
        var info = new FileInfo(Path);
        return info.Exists && info.Length == Length && info.LastWriteTimeUtc == LastWriteUtc;
    }
}
