using System;
using System.Runtime.CompilerServices;

namespace NetGen;

/// <summary>
/// A float buffer whose first element sits on a 64-byte boundary and never moves
/// (allocated on the pinned object heap), so generated kernels can hold a raw pointer to it.
/// </summary>
public sealed unsafe class AlignedBuffer
{
    private const int AlignmentFloats = 16;
    private readonly float[] _array;
    private readonly int _start;

    /// <summary>Allocates <paramref name="length"/> zeroed floats.</summary>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _array = GC.AllocateArray<float>(length + AlignmentFloats, pinned: true);
        nuint address = (nuint)Unsafe.AsPointer(ref _array[0]);
        int misalignment = (int)(address % 64) / sizeof(float);
        _start = misalignment == 0 ? 0 : AlignmentFloats - misalignment;
        Length = length;
    }

    /// <summary>Number of usable floats.</summary>
    public int Length { get; }

    /// <summary>The 64-byte-aligned first element. Valid as long as this object is alive.</summary>
    public float* Pointer => (float*)Unsafe.AsPointer(ref _array[_start]);

    /// <summary>A reference to the 64-byte-aligned first element, for kernels written with refs.</summary>
    public ref float Reference => ref _array[_start];

    /// <summary>The usable floats.</summary>
    public Span<float> Span => _array.AsSpan(_start, Length);
}
