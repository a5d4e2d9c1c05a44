namespace Explain.Cam.Attribution;

/// <summary>
/// Reproducible noise for the stochastic methods: SplitMix64 (Steele, Lea &amp; Flood, OOPSLA 2014)
/// seeded by the explanation's seed and a stream name, so the same seed gives the same draws on
/// every machine and .NET version, and streams of different methods or layers are independent.
/// Normal draws by Box–Muller.
/// </summary>
internal sealed class SeededNoise
{
    private ulong _state;

    public SeededNoise(ulong seed, string stream)
    {
        _state = seed;
        foreach (char ch in stream)
            _state = Mix(_state ^ ch);
    }

    public double NextUniform() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high).</summary>
    public float Uniform(float low, float high) => (float)(low + (high - low) * NextUniform());

    /// <summary>Standard normal.</summary>
    public double NextNormal()
    {
        double u1 = 1.0 - NextUniform(), u2 = NextUniform();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private ulong Next() => Mix(_state += 0x9E3779B97F4A7C15UL);

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
