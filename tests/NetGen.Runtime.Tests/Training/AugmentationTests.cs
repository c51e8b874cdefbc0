using NetGen.Training;

namespace NetGen.Runtime.Tests.Training;

public class AugmentationTests
{
    private static float[] Images(int batch, int h, int w, int c)
    {
        var x = new float[batch * h * w * c];
        for (int i = 0; i < x.Length; i++) x[i] = i + 1; // every value distinct
        return x;
    }

    private static float At(float[] x, int s, int y, int xx, int k, int h, int w, int c) => x[((s * h + y) * w + xx) * c + k];

    [Fact]
    public void Random_flip_mirrors_about_half_of_the_images_left_to_right_and_keeps_the_rest()
    {
        const int batch = 400, h = 3, w = 5, c = 2;
        float[] original = Images(batch, h, w, c), x = (float[])original.Clone();
        var random = new SeededRandom(42);
        new RandomFlip().Apply(x, batch, [h, w, c], ref random);

        var draws = new SeededRandom(42);
        int flipped = 0;
        for (int s = 0; s < batch; s++)
        {
            bool flip = (draws.NextUInt32() & 1) != 0;
            flipped += flip ? 1 : 0;
            for (int y = 0; y < h; y++)
                for (int xx = 0; xx < w; xx++)
                    for (int k = 0; k < c; k++)
                        Assert.Equal(At(original, s, y, flip ? w - 1 - xx : xx, k, h, w, c), At(x, s, y, xx, k, h, w, c));
        }
        Assert.InRange(flipped, 160, 240);
    }

    [Fact]
    public void Vertical_flips_reverse_the_rows()
    {
        const int h = 4, w = 3, c = 1;
        float[] original = Images(64, h, w, c), x = (float[])original.Clone();
        var random = new SeededRandom(7);
        new RandomFlip(horizontal: false, vertical: true).Apply(x, 64, [h, w], ref random);
        var draws = new SeededRandom(7);
        for (int s = 0; s < 64; s++)
        {
            bool flip = (draws.NextUInt32() & 1) != 0;
            for (int y = 0; y < h; y++)
                for (int xx = 0; xx < w; xx++)
                    Assert.Equal(At(original, s, flip ? h - 1 - y : y, xx, 0, h, w, c), At(x, s, y, xx, 0, h, w, c));
        }
    }

    [Fact]
    public void Random_translation_shifts_each_image_and_fills_what_comes_in()
    {
        const int batch = 300, h = 6, w = 7, c = 2, max = 2;
        float[] original = Images(batch, h, w, c), x = (float[])original.Clone();
        var random = new SeededRandom(3);
        new RandomTranslation(max, fill: -1f).Apply(x, batch, [h, w, c], ref random);

        var draws = new SeededRandom(3);
        var seen = new HashSet<(int, int)>();
        for (int s = 0; s < batch; s++)
        {
            int dy = draws.NextInt(2 * max + 1) - max, dx = draws.NextInt(2 * max + 1) - max;
            seen.Add((dy, dx));
            for (int y = 0; y < h; y++)
                for (int xx = 0; xx < w; xx++)
                    for (int k = 0; k < c; k++)
                    {
                        int fy = y - dy, fx = xx - dx;
                        float expected = fy >= 0 && fy < h && fx >= 0 && fx < w ? At(original, s, fy, fx, k, h, w, c) : -1f;
                        Assert.Equal(expected, At(x, s, y, xx, k, h, w, c));
                    }
        }
        Assert.Equal(25, seen.Count); // every shift of −2…2 × −2…2 drawn
    }

    [Fact]
    public void Augmentations_refuse_samples_that_are_not_images()
    {
        Assert.Throws<ArgumentException>(() => new RandomFlip().Check([784]));
        Assert.Throws<ArgumentException>(() => new RandomTranslation(3).Check([3, 8, 1]));
        Assert.Throws<ArgumentException>(() => new RandomFlip(false, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomTranslation(0));
    }
}
