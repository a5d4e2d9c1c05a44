namespace Explain.Cli.Parsing;

/// <summary>"Did you mean": the nearest candidates by edit distance (Damerau's transpositions count one edit).</summary>
internal static class Suggestions
{
    /// <summary>
    /// The candidates at the smallest edit distance, within a limit that grows with the word's length
    /// (a third of it, at least 2); candidates the word begins (gradcam+ → gradcam++) come first.
    /// </summary>
    public static IReadOnlyList<string> Nearest(string word, IEnumerable<string> candidates, int max = 3)
    {
        int limit = Math.Max(2, word.Length / 3);
        var scored = candidates
            .Select(c => (c, d: Distance(word.ToLowerInvariant(), c.ToLowerInvariant()), prefix: word.Length >= 3 && c.StartsWith(word, StringComparison.OrdinalIgnoreCase)))
            .Where(x => x.d <= limit || x.prefix)
            .ToList();
        if (scored.Count == 0)
            return [];
        int best = scored.Min(x => x.prefix ? 1 : x.d);
        return scored.Where(x => x.d <= best || x.prefix)
            .OrderBy(x => x.prefix ? 0 : 1).ThenBy(x => x.d).ThenBy(x => x.c, StringComparer.Ordinal)
            .Take(max).Select(x => x.c).ToList();
    }

    /// <summary>" Did you mean 'x'?" or "" when nothing is close.</summary>
    public static string DidYouMean(string word, IEnumerable<string> candidates)
    {
        var near = Nearest(word, candidates);
        return near.Count == 0 ? "" : $" Did you mean {string.Join(" or ", near.Select(n => $"'{n}'"))}?";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
