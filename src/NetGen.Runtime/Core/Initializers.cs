using System;

namespace NetGen;

/// <summary>Keras's default initializers.</summary>
public static class Initializers
{
    /// <summary>Glorot (Xavier) uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)).</summary>
    public static void GlorotUniform(Span<float> weights, int fanIn, int fanOut, ref SeededRandom random)
    {
        float limit = MathF.Sqrt(6f / (fanIn + fanOut));
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (random.NextSingle() * 2f - 1f) * limit;
    }
}
