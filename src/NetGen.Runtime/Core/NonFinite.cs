using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen;

/// <summary>Finds NaN and infinities in float data (the data <c>Fit</c> trains on, parameters loaded from files).</summary>
internal static class NonFinite
{
    /// <summary>The index of the first NaN or infinity in <paramref name="values"/>, or −1 when all are finite.</summary>
    public static int IndexOf(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            // x − x is 0 for every finite x and NaN for NaN and ±∞: one subtract and compare per vector.
            ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int v = 0; v < vectors.Length; v++)
            {
                Vector<float> x = vectors[v];
                if (!Vector.EqualsAll(x - x, Vector<float>.Zero))
                {
                    i = v * Vector<float>.Count;
                    break;
                }
                i = (v + 1) * Vector<float>.Count;
            }
        }
        for (; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>
    /// Where parameter <paramref name="index"/> lies, for messages: <c>tensor '1.bias', element 4</c>, or an empty string
    /// when no block holds it.
    /// </summary>
    public static string Locate(IReadOnlyList<ParameterBlock>? blocks, int index)
    {
        if (blocks is null) return "";
        foreach (ParameterBlock block in blocks)
        {
            if (block is null) continue;
            if (index >= block.Offset && index - block.Offset < block.Length)
                return string.Create(CultureInfo.InvariantCulture, $"tensor '{block.Name}', element {index - block.Offset}");
        }
        return "";
    }

    /// <summary>A value as messages show it: <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> (invariant culture).</summary>
    public static string Describe(float value) => value.ToString(CultureInfo.InvariantCulture);
}
