namespace Explain.Cli.Commands;

/// <summary>Where each of several inputs writes: DIR/&lt;stem&gt;/; inputs whose stems clash (pet.png, pet.jfif, or one name in two folders) get their full file name, then a counter.</summary>
internal static class InputFiles
{
    public static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".jfif"];

    public static Dictionary<string, string> OutputFolders(IReadOnlyList<string> files)
    {
        var clashing = files.GroupBy(f => Path.GetFileNameWithoutExtension(f), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var folders = new Dictionary<string, string>();
        foreach (var file in files)
        {
            string name = clashing.Contains(file) ? Path.GetFileName(file) : Path.GetFileNameWithoutExtension(file);
            string folder = name;
            for (int n = 2; !used.Add(folder); n++)
                folder = $"{name}-{n}";
            folders[file] = folder;
        }
        return folders;
    }
}
