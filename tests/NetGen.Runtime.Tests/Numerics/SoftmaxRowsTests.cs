namespace NetGen.Runtime.Tests.Numerics;

/// <summary>VectorMath.SoftmaxRows: the two-register path for 8–16 classes and the scalar path agree with double softmax.</summary>
public sealed class SoftmaxRowsTests
{
    private static double[] Exact(float[] row)
    {
        double max = row.Max(), sum = row.Sum(v => System.Math.Exp(v - max));
        return row.Select(v => System.Math.Exp(v - max) / sum).ToArray();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(13)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(40)]
    public void Rows_match_the_double_softmax_and_sum_to_one(int width)
    {
        var random = new Random(width);
        const int rows = 9;
        var values = new float[rows * width + 5]; // room after the rows: nothing past them may change
        for (int i = 0; i < rows * width; i++) values[i] = (float)(random.NextDouble() * 40 - 20);
        values[2 * width + 1] = 300f; // one dominant logit
        for (int j = 0; j < width; j++) values[3 * width + j] = -5f; // a flat row
        for (int i = rows * width; i < values.Length; i++) values[i] = 123f;
        float[] before = (float[])values.Clone();

        VectorMath.SoftmaxRows(ref values[0], rows, width);

        for (int r = 0; r < rows; r++)
        {
            double[] exact = Exact(before.AsSpan(r * width, width).ToArray());
            double sum = 0;
            for (int j = 0; j < width; j++)
            {
                float got = values[r * width + j];
                sum += got;
                Assert.True(System.Math.Abs(got - exact[j]) <= 1e-6 + 1e-6 * exact[j], $"width {width}, row {r}, column {j}: {got} vs {exact[j]}");
            }
            Assert.InRange(sum, 1 - 1e-5, 1 + 1e-5);
        }
        for (int i = rows * width; i < values.Length; i++) Assert.Equal(123f, values[i]);
    }

    [Fact]
    public void Infinite_and_NaN_logits_take_the_scalar_rules()
    {
        float[] row = { 1, 2, float.PositiveInfinity, 4, 5, 6, 7, 8, 9, 10 };
        float[] expected = (float[])row.Clone();
        VectorMath.Softmax(expected);
        VectorMath.SoftmaxRows(ref row[0], 1, row.Length);
        Assert.Equal(expected, row);

        float[] nan = { 1, 2, 3, float.NaN, 5, 6, 7, 8, 9, 10 };
        VectorMath.SoftmaxRows(ref nan[0], 1, nan.Length);
        Assert.Contains(nan, float.IsNaN);
    }
}
