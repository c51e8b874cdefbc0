using System;

namespace NetGen;

/// <summary>
/// A small, fast, platform-independent generator (xoshiro128** seeded through SplitMix64).
/// The same seed gives the same sequence on every machine and .NET version.
/// </summary>
public struct SeededRandom
{
    private uint _s0, _s1, _s2, _s3;

    /// <summary>Seeds the generator.</summary>
    public SeededRandom(ulong seed)
    {
        ulong x = seed;
        ulong a = SplitMix(ref x), b = SplitMix(ref x);
        _s0 = (uint)a; _s1 = (uint)(a >> 32); _s2 = (uint)b; _s3 = (uint)(b >> 32);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 32 random bits.</summary>
    public uint NextUInt32()
    {
        uint result = BitRotate(_s1 * 5, 7) * 9;
        uint t = _s1 << 9;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitRotate(_s3, 11);
        return result;
    }

    private static uint BitRotate(uint v, int k) => (v << k) | (v >> (32 - k));

    /// <summary>Uniform in [0, 1) with 24 bits of precision.</summary>
    public float NextSingle() => (NextUInt32() >> 8) * (1.0f / 16777216.0f);

    /// <summary>Uniform in [0, 1) with 53 bits of precision.</summary>
    public double NextDouble() => (((ulong)NextUInt32() << 21) ^ (NextUInt32() >> 11)) * (1.0 / 9007199254740992.0);

    /// <summary>Standard normal (mean 0, variance 1), by the Box–Muller transform.</summary>
    public double NextGaussian()
    {
        // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1]
        double u = 1.0 - NextDouble(), v = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        uint bound = (uint)maxExclusive;
        ulong m = (ulong)NextUInt32() * bound;
        uint low = (uint)m;
        if (low < bound)
        {
            uint threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                m = (ulong)NextUInt32() * bound;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>Fisher–Yates shuffle.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
