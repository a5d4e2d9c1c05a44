namespace Explain.Jobs.Admission;

/// <summary>
/// A token bucket (cost units): holds at most <c>burst</c>, refills at <c>rate</c> per second,
/// starts full. A take either succeeds whole or leaves the bucket as it was and says how long until
/// the bucket holds enough. Thread-safe.
/// </summary>
public sealed class TokenBucket(double rate, double burst, TimeProvider clock)
{
    private readonly object _gate = new();
    private double _tokens = burst;
    private long _stamp = clock.GetTimestamp();

    public double Rate { get; } = rate;

    public double Burst { get; } = burst;

    /// <summary>Takes <paramref name="amount"/> if the bucket holds it; else returns the wait until it will.</summary>
    public bool TryTake(double amount, out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            Refill();
            if (amount <= _tokens)
            {
                _tokens -= amount;
                retryAfter = TimeSpan.Zero;
                return true;
            }
            // NOTE: a take larger than the burst can never succeed; admission refuses those first (per-request maximum).
            retryAfter = Rate > 0 ? TimeSpan.FromSeconds(Math.Ceiling((amount - _tokens) / Rate * 1000) / 1000) : TimeSpan.MaxValue;
            return false;
        }
    }

    /// <summary>Puts back what a job took when it was not queued after all.</summary>
    public void Refund(double amount)
    {
        lock (_gate)
        {
            Refill();
            _tokens = Math.Min(Burst, _tokens + amount);
        }
    }

    /// <summary>What the bucket holds now.</summary>
    public double Available
    {
        get
        {
            lock (_gate)
            {
                Refill();
                return _tokens;
            }
        }
    }

    private void Refill()
    {
        long now = clock.GetTimestamp();
        _tokens = Math.Min(Burst, _tokens + clock.GetElapsedTime(_stamp, now).TotalSeconds * Rate);
        _stamp = now;
    }
}
