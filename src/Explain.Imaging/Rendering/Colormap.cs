namespace Explain.Imaging.Rendering;

/// <summary>A 256-entry RGB lookup table mapping a value in [0, 1] to a colour.</summary>
public sealed class Colormap
{
    private readonly byte[] _lut;

    private Colormap(string name, byte[] lut)
    {
        Name = name;
        _lut = lut;
    }

    /// <summary>OpenCV COLORMAP_JET, byte-exact: what pytorch-grad-cam's show_cam_on_image uses.</summary>
    public static Colormap Jet { get; } = new("jet", JetTable.Build());

    /// <summary>Google Turbo, byte-exact with OpenCV COLORMAP_TURBO.</summary>
    public static Colormap Turbo { get; } = new("turbo", TurboTable.Build());

    public string Name { get; }

    /// <summary>Colour of table entry i (0–255).</summary>
    public (byte R, byte G, byte B) this[int index] => (_lut[index * 3], _lut[index * 3 + 1], _lut[index * 3 + 2]);

    internal byte Channel(int index, int channel) => _lut[index * 3 + channel];

    public static Colormap FromName(string name) => name.ToLowerInvariant() switch
    {
        "jet" => Jet,
        "turbo" => Turbo,
        _ => throw new ArgumentException($"Unknown colormap '{name}' (expected jet or turbo).", nameof(name)),
    };

    /// <summary>
    /// Table index of a map value: uint8(255 · v) truncated, as pytorch-grad-cam's
    /// np.uint8(255 * mask) does; NaN and values outside [0, 1] are clamped.
    /// </summary>
    public static int IndexOf(float value)
    {
        float scaled = 255f * value;
        return float.IsNaN(scaled) ? 0 : (int)Math.Clamp(scaled, 0f, 255f);
    }

    /// <summary>Colours a row-major h × w map of values in [0, 1].</summary>
    public RgbImage Apply(float[] map, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Length != height * width)
        {
            throw new ArgumentException($"Map has {map.Length} values, not {height}x{width}.", nameof(map));
        }

        var pixels = new byte[map.Length * 3];
        for (int i = 0; i < map.Length; i++)
        {
            int e = IndexOf(map[i]) * 3;
            pixels[i * 3] = _lut[e];
            pixels[i * 3 + 1] = _lut[e + 1];
            pixels[i * 3 + 2] = _lut[e + 2];
        }

        return new RgbImage(width, height, pixels);
    }
}
