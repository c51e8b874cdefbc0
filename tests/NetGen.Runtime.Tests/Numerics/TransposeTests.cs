using NetGen;

namespace NetGen.Runtime.Tests.Numerics;

/// <summary>VectorMath.Transpose (whole 16 × 16 blocks in registers, edges element by element) against the definition.</summary>
public class TransposeTests
{
    [Theory]
    [InlineData(400, 120)] // LeNet's first dense layer: whole blocks and an 8-column edge
    [InlineData(16, 16)]
    [InlineData(33, 17)]
    [InlineData(64, 10)]
    [InlineData(1, 5)]
    [InlineData(128, 512)]
    public void Transpose_matches_the_definition(int rows, int cols)
    {
        var random = new Random(rows * 1000 + cols);
        var source = new float[rows * cols];
        for (int i = 0; i < source.Length; i++) source[i] = (float)random.NextDouble();
        var destination = new float[rows * cols + 1];
        destination[^1] = -7f;
        VectorMath.Transpose(source, rows, cols, destination);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                Assert.Equal(source[r * cols + c], destination[c * rows + r]);
        Assert.Equal(-7f, destination[^1]);
    }

    [Fact]
    public void Spans_smaller_than_the_matrix_are_refused()
    {
        Assert.Throws<ArgumentException>(() => VectorMath.Transpose(new float[10], 3, 4, new float[12]));
        Assert.Throws<ArgumentException>(() => VectorMath.Transpose(new float[12], 3, 4, new float[11]));
    }
}
