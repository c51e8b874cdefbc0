using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>
/// Windows of a (steps, channels) sequence as rows of a matrix (im2col) and back, for the generated 1-D convolutions:
/// after <see cref="Unfold"/>, a convolution is one matrix product of the windows with the kernels, its weight
/// gradient another, and its input gradient a product followed by <see cref="Fold"/>. Row (s, t) of the windows holds,
/// channel by channel, the <c>kernel</c> taps x[s, t·stride + k·dilation − padBefore, c], zero where that step is
/// outside the sequence: the order of PyTorch's [filters, channels, kernel] weights.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class UnfoldKernels
{
    /// <summary>
    /// windows[s·outSteps + t, c·kernel + k] = x[s, t·stride + k·dilation − padBefore, c] (zero outside the input), for
    /// x [samples, steps, channels] and windows [samples · outSteps, channels · kernel].
    /// </summary>
    public static void Unfold(ref float x, ref float windows, int samples, int steps, int channels, int outSteps, int kernel, int stride, int dilation, int padBefore)
    {
        int width = channels * kernel;
        for (int s = 0; s < samples; s++)
        {
            ref float xs = ref Unsafe.Add(ref x, s * steps * channels);
            for (int t = 0; t < outSteps; t++)
            {
                ref float row = ref Unsafe.Add(ref windows, (s * outSteps + t) * width);
                for (int k = 0; k < kernel; k++)
                {
                    int step = t * stride + k * dilation - padBefore;
                    if ((uint)step >= (uint)steps)
                    {
                        for (int c = 0; c < channels; c++) Unsafe.Add(ref row, c * kernel + k) = 0f;
                        continue;
                    }
                    ref float source = ref Unsafe.Add(ref xs, step * channels);
                    for (int c = 0; c < channels; c++) Unsafe.Add(ref row, c * kernel + k) = Unsafe.Add(ref source, c);
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Unfold"/>: dx[s, step, c] = Σ of dwindows over every (t, k) that read x[s, step, c]
    /// (dx is overwritten; steps no window reads get zero).
    /// </summary>
    public static void Fold(ref float dwindows, ref float dx, int samples, int steps, int channels, int outSteps, int kernel, int stride, int dilation, int padBefore)
    {
        int width = channels * kernel;
        MemoryMarshal.CreateSpan(ref dx, samples * steps * channels).Clear();
        for (int s = 0; s < samples; s++)
        {
            ref float dxs = ref Unsafe.Add(ref dx, s * steps * channels);
            for (int t = 0; t < outSteps; t++)
            {
                ref float row = ref Unsafe.Add(ref dwindows, (s * outSteps + t) * width);
                for (int k = 0; k < kernel; k++)
                {
                    int step = t * stride + k * dilation - padBefore;
                    if ((uint)step >= (uint)steps) continue;
                    ref float target = ref Unsafe.Add(ref dxs, step * channels);
                    for (int c = 0; c < channels; c++) Unsafe.Add(ref target, c) += Unsafe.Add(ref row, c * kernel + k);
                }
            }
        }
    }

    /// <summary>transposed[j, i] = matrix[i, j] for matrix [rows, columns] (a layer's kernels, as the forward product reads them).</summary>
    public static void Transpose(ref float matrix, ref float transposed, int rows, int columns) =>
        NetGen.VectorMath.Transpose(MemoryMarshal.CreateReadOnlySpan(ref matrix, rows * columns), rows, columns, MemoryMarshal.CreateSpan(ref transposed, rows * columns));
}
