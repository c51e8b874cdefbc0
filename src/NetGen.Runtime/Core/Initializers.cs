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

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>) (Keras's embedding initializer uses ±0.05).</summary>
    public static void Uniform(Span<float> weights, float low, float high, ref SeededRandom random)
    {
        for (int i = 0; i < weights.Length; i++)
            weights[i] = low + random.NextSingle() * (high - low);
    }

    /// <summary>
    /// Keras's <c>Orthogonal</c> (gain 1) for a [<paramref name="rows"/>, <paramref name="columns"/>] row-major matrix:
    /// a standard normal matrix of the taller shape is made orthonormal (QR with a positive diagonal, here by modified
    /// Gram–Schmidt in double precision) and laid out so that rows are orthonormal when rows ≤ columns, columns otherwise.
    /// </summary>
    public static void Orthogonal(Span<float> weights, int rows, int columns, ref SeededRandom random)
    {
        if (rows <= 0 || columns <= 0) throw new ArgumentOutOfRangeException(nameof(rows), "The matrix needs at least one row and one column.");
        if (weights.Length != rows * columns) throw new ArgumentException($"{rows}×{columns} weights expected, got {weights.Length}.", nameof(weights));
        int tall = Math.Max(rows, columns), narrow = Math.Min(rows, columns);
        // q: narrow vectors of length tall, each orthonormalized against the ones before it
        var q = new double[narrow * tall];
        for (int i = 0; i < q.Length; i++) q[i] = random.NextGaussian();
        for (int v = 0; v < narrow; v++)
        {
            Span<double> current = q.AsSpan(v * tall, tall);
            for (int p = 0; p < v; p++)
            {
                ReadOnlySpan<double> previous = q.AsSpan(p * tall, tall);
                double dot = 0;
                for (int i = 0; i < tall; i++) dot += current[i] * previous[i];
                for (int i = 0; i < tall; i++) current[i] -= dot * previous[i];
            }
            double norm = 0;
            for (int i = 0; i < tall; i++) norm += current[i] * current[i];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < tall; i++) current[i] /= norm;
        }
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                // rows ≤ columns: row r is vector r; otherwise column c is vector c
                weights[r * columns + c] = (float)(rows <= columns ? q[r * tall + c] : q[c * tall + r]);
            }
        }
    }
}
