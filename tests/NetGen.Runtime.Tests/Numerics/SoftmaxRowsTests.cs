namespace NetGen.Runtime.Tests.Numerics;

/// <summary>
/// VectorMath.SoftmaxRows: the 16-rows-in-lanes path and the two-register path for 8–16 classes, and the scalar path,
/// agree with double softmax.
/// </summary>
public sealed class SoftmaxRowsTests
{
    private static double[] Exact(float[] row)
    {
        double max = row.Max(), sum = row.Sum(v => System.Math.Exp(v - max));
        return row.Select(v => System.Math.Exp(v - max) / sum).ToArray();
    }

    [Theory]
    [InlineData(3, 9)]
    [InlineData(7, 9)]
    [InlineData(8, 9)]
    [InlineData(10, 9)]
    [InlineData(13, 9)]
    [InlineData(16, 9)]
    [InlineData(17, 9)]
    [InlineData(40, 9)]
    [InlineData(10, 16)]  // one block in lanes, the last row copied exactly
    [InlineData(10, 37)]  // two blocks, then five rows one by one
    [InlineData(8, 48)]
    [InlineData(13, 33)]
    [InlineData(16, 32)]
    [InlineData(5, 40)]   // too narrow for lanes (a row's store would run two rows on)
    public void Rows_match_the_double_softmax_and_sum_to_one(int width, int rows)
    {
        var random = new Random(width * 100 + rows);
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

    [Theory]
    [InlineData(10, 37)]
    [InlineData(8, 16)]
    [InlineData(16, 48)]
    [InlineData(13, 21)]
    public void A_row_gives_the_same_bits_alone_and_among_others(int width, int rows)
    {
        var random = new Random(width + rows);
        var values = new float[rows * width];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 30 - 15);
        values[17 * width % values.Length] = float.NegativeInfinity; // a -inf logit keeps the vector path (max stays finite)
        float[] alone = (float[])values.Clone();
        VectorMath.SoftmaxRows(ref values[0], rows, width);
        for (int r = 0; r < rows; r++) VectorMath.SoftmaxRows(ref alone[r * width], 1, width);
        Assert.Equal(alone, values);
    }

    [Fact]
    public void A_block_of_rows_with_an_infinite_logit_takes_the_scalar_rules()
    {
        var random = new Random(5);
        const int rows = 32, width = 10;
        var values = new float[rows * width];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 10 - 5);
        values[20 * width + 3] = float.PositiveInfinity;
        values[21 * width + 4] = float.NaN;
        var expected = (float[])values.Clone();
        for (int r = 0; r < rows; r++) VectorMath.Softmax(expected.AsSpan(r * width, width));
        VectorMath.SoftmaxRows(ref values[0], rows, width);
        for (int r = 20; r <= 21; r++)
            for (int j = 0; j < width; j++)
                Assert.Equal(expected[r * width + j], values[r * width + j]); // the scalar rules, bit for bit (NaN stays NaN)
        for (int r = 0; r < rows; r++)
        {
            if (r is 20 or 21) continue;
            for (int j = 0; j < width; j++) Assert.InRange(values[r * width + j], expected[r * width + j] - 1e-6f, expected[r * width + j] + 1e-6f);
        }
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
