using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>What generated embedding layers share: token checks, the lookup and its gradient.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class SequenceKernels
{
    /// <summary>
    /// Throws unless every value is a token id: an integer in [0, <paramref name="vocabulary"/>). Runs before any
    /// layer reads the values, so a bad id never indexes out of the embedding table and nothing is changed.
    /// </summary>
    public static void CheckTokens(ReadOnlySpan<float> tokens, int vocabulary, string parameterName)
    {
        for (int i = 0; i < tokens.Length; i++)
        {
            float v = tokens[i];
            // negated so NaN fails too
            if (!(v >= 0f && v < vocabulary && v == MathF.Floor(v)))
            {
                throw new ArgumentOutOfRangeException(parameterName, v,
                    $"Value {v} at index {i} is not a token id: embeddings take integers in [0, {vocabulary}).");
            }
        }
    }

    /// <summary>y[s] = table[tokens[s]] for <paramref name="count"/> tokens of <paramref name="dimension"/> floats (tokens checked beforehand).</summary>
    public static void EmbeddingForward(ref float tokens, ref float table, ref float y, int count, int dimension, int vocabulary)
    {
        for (int s = 0; s < count; s++)
        {
            int id = TokenAt(ref tokens, s, vocabulary);
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref table, id * dimension), dimension)
                .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref y, s * dimension), dimension));
        }
    }

    /// <summary>
    /// Token <paramref name="s"/> as a row of the table, read once and checked where it is used: the ids were checked
    /// before the call (<see cref="CheckTokens"/>), but the caller's buffer may change during it, and a changed id must
    /// not reach outside the table. (NaN converts to int.MinValue, which fails the check too.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int TokenAt(ref float tokens, int s, int vocabulary)
    {
        int id = (int)Unsafe.Add(ref tokens, s);
        if ((uint)id >= (uint)vocabulary) ThrowChangedToken(id, s, vocabulary);
        return id;
    }

    private static void ThrowChangedToken(int id, int s, int vocabulary) =>
        throw new ArgumentOutOfRangeException("inputs", id,
            $"Token {id} at index {s} is outside [0, {vocabulary}): the ids were checked when the call began, so the input changed while the call ran.");

    /// <summary>dTable = Σ_s onehot(tokens[s]) ⊗ dy[s]: clears the table's <paramref name="vocabulary"/> rows, then adds each token's gradient to its row.</summary>
    public static void EmbeddingBackward(ref float tokens, ref float dy, ref float dTable, int count, int dimension, int vocabulary)
    {
        MemoryMarshal.CreateSpan(ref dTable, vocabulary * dimension).Clear();
        for (int s = 0; s < count; s++)
        {
            int id = TokenAt(ref tokens, s, vocabulary);
            VectorMath.Add(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dTable, id * dimension), dimension),
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref dy, s * dimension), dimension));
        }
    }
}
