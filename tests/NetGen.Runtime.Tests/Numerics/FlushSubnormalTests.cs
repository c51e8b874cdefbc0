using System.Runtime.Intrinsics;

namespace NetGen.Runtime.Tests.Numerics;

/// <summary>VectorMath.FlushSubnormal, which keeps optimizer state out of x86's slow subnormal arithmetic.</summary>
public sealed class FlushSubnormalTests
{
    private static readonly float[] Subnormal =
    {
        float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f, BitConverter.Int32BitsToSingle(0x007FFFFF), // the largest subnormal
        BitConverter.Int32BitsToSingle(unchecked((int)0x807FFFFF)), 1.125e-38f, -1.125e-38f,
    };

    private static readonly float[] Kept =
    {
        1.17549435e-38f, -1.17549435e-38f, // the smallest normal floats
        1e-30f, -1e-30f, 1f, -1f, 0.1f, float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity,
        float.NaN, 0f,
    };

    /// <summary>Every value in the three widths: the scalar, and each lane of 8 and of 16 (the value among others).</summary>
    private static IEnumerable<float> Flushed(float x)
    {
        yield return VectorMath.FlushSubnormal(x);
        Vector256<float> narrow = VectorMath.FlushSubnormal(Vector256.Create(1f).WithElement(3, x));
        yield return narrow[3];
        Assert.Equal(1f, narrow[2]);
        Vector512<float> wide = VectorMath.FlushSubnormal(Vector512.Create(1f).WithElement(13, x));
        yield return wide[13];
        Assert.Equal(1f, wide[12]);
    }

    [Fact]
    public void Subnormal_values_become_positive_zero_in_every_width()
    {
        foreach (float x in Subnormal)
        {
            Assert.True(float.IsSubnormal(x), $"{x:R} is not subnormal: the test's own data is wrong");
            foreach (float y in Flushed(x)) Assert.Equal(0, BitConverter.SingleToInt32Bits(y));
        }
    }

    [Fact]
    public void Normal_zero_infinite_and_nan_values_keep_their_bits_in_every_width()
    {
        foreach (float x in Kept)
        {
            foreach (float y in Flushed(x)) Assert.Equal(BitConverter.SingleToInt32Bits(x), BitConverter.SingleToInt32Bits(y));
        }
    }

    [Fact]
    public void Negative_zero_becomes_positive_zero_as_a_moment_may()
    {
        // -0 has a zero exponent like the subnormals: flushed to +0, which changes no arithmetic of the optimizers
        foreach (float y in Flushed(-0f)) Assert.Equal(0, BitConverter.SingleToInt32Bits(y));
    }
}
