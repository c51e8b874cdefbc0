using NetGen;
using NetGen.Kernels;

namespace NetGen.Runtime.Tests.Numerics;

/// <summary>Packing samples into 16 lanes and back, against the definitions written as plain loops.</summary>
public class SampleLanesTests
{
    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    public static IEnumerable<object[]> Shapes() => new[]
    {
        // lanes, channels, height, width, padTop, padBottom, padLeft, padRight, hwc
        new object[] { 16, 6, 14, 14, 0, 0, 0, 0, false },   // LeNet's second convolution: one transpose of 1,176 pixels
        new object[] { 5, 6, 14, 14, 0, 0, 0, 0, false },    // a partial group
        new object[] { 1, 1, 3, 5, 0, 0, 0, 0, false },      // fewer pixels than one block
        new object[] { 16, 2, 7, 19, 1, 2, 2, 1, false },    // borders: rows of 19 (a block and a tail)
        new object[] { 11, 3, 5, 4, 1, 1, 1, 1, true },      // (H, W, C) input
        new object[] { 16, 1, 28, 28, 2, 2, 2, 2, false },   // same padding, full group
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Pack_and_unpack_match_the_definitions(int lanes, int channels, int height, int width, int padTop, int padBottom, int padLeft, int padRight, bool hwc)
    {
        int size = channels * height * width;
        int ph = height + padTop + padBottom, pw = width + padLeft + padRight;
        float[] x = Random(lanes * size + 7, lanes);
        var packed = new float[channels * ph * pw * 16 + 3];
        packed.AsSpan().Fill(float.NaN); // everything inside must be written, nothing after it
        SampleLanes.Pack(ref x[0], lanes, size, channels, height, width, ph, pw, padTop, padLeft, hwc, ref packed[0]);
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < ph; i++)
                for (int j = 0; j < pw; j++)
                    for (int s = 0; s < 16; s++)
                    {
                        int h = i - padTop, w = j - padLeft;
                        bool inside = s < lanes && h >= 0 && h < height && w >= 0 && w < width;
                        int at = hwc ? (h * width + w) * channels + c : (c * height + h) * width + w;
                        float expected = inside ? x[s * size + at] : 0f;
                        Assert.Equal(expected, packed[((c * ph + i) * pw + j) * 16 + s]);
                    }
        Assert.True(float.IsNaN(packed[^1]));

        // back: the border is dropped, and the rows past the last sample are not touched
        var back = new float[lanes * size + 5];
        back.AsSpan().Fill(float.NaN);
        SampleLanes.UnpackCropped(ref packed[0], lanes, size, channels, height, width, ph, pw, padTop, padLeft, hwc, ref back[0]);
        Assert.Equal(x.AsSpan(0, lanes * size).ToArray(), back.AsSpan(0, lanes * size).ToArray());
        Assert.True(back.Skip(lanes * size).All(float.IsNaN));
    }

    [Theory]
    [InlineData(16, 1600)]
    [InlineData(9, 1600)]
    [InlineData(3, 37)]
    public void Unpack_is_the_transpose_of_a_packed_buffer(int lanes, int size)
    {
        float[] packed = Random(size * 16, size);
        var y = new float[lanes * size + 1];
        y[^1] = 42f;
        SampleLanes.Unpack(ref packed[0], lanes, size, ref y[0]);
        for (int s = 0; s < lanes; s++)
            for (int j = 0; j < size; j++)
                Assert.Equal(packed[j * 16 + s], y[s * size + j]);
        Assert.Equal(42f, y[^1]);
    }

    [Fact]
    public void A_group_of_no_samples_or_more_than_16_is_refused()
    {
        var buffer = new float[64];
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleLanes.Unpack(ref buffer[0], 0, 2, ref buffer[32]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleLanes.Unpack(ref buffer[0], 17, 2, ref buffer[32]));
    }
}
