namespace Explain.Cli;

/// <summary>GNU-style options: --name value, --name=value, repeated options and bare flags.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args, IReadOnlySet<string> flags, IReadOnlySet<string>? lists = null)
    {
        string? pending = null;
        string? last = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null)
                    throw new UsageException($"option --{pending} needs a value");
                var (name, value) = arg.IndexOf('=') is var eq and > 0 ? (arg[2..eq], arg[(eq + 1)..]) : (arg[2..], null);
                if (value is not null || flags.Contains(name))
                    Add(name, value ?? "true");
                else
                    pending = name;
                last = name;
            }
            else if (pending is not null)
            {
                Add(pending, arg);
                pending = null;
            }
            else if (last is not null && lists is not null && lists.Contains(last))
            {
                Add(last, arg); // `--image a.jpg b.jpg`: list options take every value up to the next option
            }
            else
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }
        }
        if (pending is not null)
            throw new UsageException($"option --{pending} needs a value");
    }

    public string Required(string name) => Optional(name) ?? throw new UsageException($"--{name} is required");

    public string? Optional(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var v) ? v[^1] : null;
    }

    public IReadOnlyList<string> All(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var v) ? v : [];
    }

    public int Int(string name, int defaultValue)
    {
        var v = Optional(name);
        if (v is null) return defaultValue;
        return int.TryParse(v, out int n) ? n : throw new UsageException($"--{name} takes a whole number, not '{v}'");
    }

    public bool Flag(string name) => Optional(name) is "true";

    /// <summary>Rejects options the command never asked for (typos would otherwise be ignored silently).</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"unknown option {string.Join(", ", unknown.Select(u => "--" + u))}");
    }

    private void Add(string name, string value)
    {
        if (!_options.TryGetValue(name, out var list))
            _options[name] = list = [];
        list.Add(value);
    }
}
