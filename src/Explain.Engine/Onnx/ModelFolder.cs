namespace Explain.Engine.Onnx;

/// <summary>
/// Confines the files a model names (external data, a card's labels file) to the model's folder,
/// with every symbolic link on the way followed: checking the spelled path alone lets a link
/// inside the folder (<c>weights.bin -> /etc/shadow</c>) read anything the process can.
/// </summary>
public static class ModelFolder
{
    /// <summary>Links followed in one resolution before giving up (Linux's own limit is 40).</summary>
    private const int MaxLinkHops = 40;

    /// <summary>
    /// The physical path of <paramref name="relative"/> inside <paramref name="folder"/>, or null
    /// when it is rooted or, links resolved, lies outside the folder (itself resolved too, so a
    /// model store reached through a link still works).
    /// </summary>
    public static string? Resolve(string folder, string relative)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(relative);
        if (relative.Length == 0 || Path.IsPathRooted(relative) || relative.Contains('\0'))
            return null;
        int hops = 0;
        string root = Physical(Path.GetFullPath(folder), ref hops);
        string path = Physical(Path.GetFullPath(Path.Combine(root, relative)), ref hops);
        return path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : null;
    }

    /// <summary>realpath(3): the absolute path with every link, "." and ".." resolved, component by component.</summary>
    private static string Physical(string absolute, ref int hops)
    {
        string? rootPart = Path.GetPathRoot(absolute);
        string current = string.IsNullOrEmpty(rootPart) ? Path.DirectorySeparatorChar.ToString() : rootPart;
        foreach (var part in absolute[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
                continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            string next = Path.Combine(current, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++hops > MaxLinkHops)
                    throw new IOException($"too many symbolic links resolving '{absolute}'");
                // A relative target is relative to the link's folder; the target may hold links too.
                next = Physical(Path.GetFullPath(Path.Combine(current, target)), ref hops);
            }
            current = next;
        }
        return current;
    }
}
