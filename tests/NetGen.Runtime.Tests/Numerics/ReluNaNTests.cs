using System.Runtime.Intrinsics;

namespace NetGen.Runtime.Tests.Numerics;

/// <summary>
/// VectorMath.Relu keeps NaN, as PyTorch's relu does: a NaN that turned into 0 once gave a finite loss, NaN weights and
/// then one answer for every input. Each width is checked, in every lane, with the value among ordinary ones.
/// </summary>
public sealed class ReluNaNTests
{
    public static TheoryData<float, float> Cases => new()
    {
        { float.NaN, float.NaN },
        { -float.NaN, float.NaN },
        { 1.5f, 1.5f },
        { -2f, 0f },
        { 0f, 0f },
        { float.PositiveInfinity, float.PositiveInfinity },
        { float.NegativeInfinity, 0f },
        { float.MaxValue, float.MaxValue },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReluIsMaxOfZeroAndX_AndKeepsNaN_InEveryWidthAndLane(float x, float expected)
    {
        void Check(float actual, string where)
        {
            if (float.IsNaN(expected)) Assert.True(float.IsNaN(actual), $"{where}: Relu({x}) = {actual}, not NaN");
            else Assert.True(actual == expected, $"{where}: Relu({x}) = {actual}, expected {expected}");
        }
        Check(VectorMath.Relu(x), "scalar");
        for (int lane = 0; lane < 8; lane++)
        {
            Vector256<float> v = VectorMath.Relu(Vector256.Create(-1f).WithElement(lane, x));
            Check(v.GetElement(lane), $"Vector256 lane {lane}");
            for (int other = 0; other < 8; other++) if (other != lane) Assert.Equal(0f, v.GetElement(other));
        }
        for (int lane = 0; lane < 16; lane++)
        {
            Vector512<float> v = VectorMath.Relu(Vector512.Create(3f).WithElement(lane, x));
            Check(v.GetElement(lane), $"Vector512 lane {lane}");
            for (int other = 0; other < 16; other++) if (other != lane) Assert.Equal(3f, v.GetElement(other));
        }
    }
}
