namespace NetGen.Generator.Planning
{
    /// <summary>Tiling rules that plans decide on and kernels follow, so that both read them from one place.</summary>
    internal static class Tiling
    {
        /// <summary>
        /// The reduction block of a weight gradient dW = Xᵀ·dZ (depth rows × steps, known only at run time) with
        /// <paramref name="columns"/> output columns, or null when the whole reduction stays in registers: with wide rows
        /// every register tile would stream all of dZ from L3, so a block of it stays in L2 while every tile uses it.
        /// </summary>
        public static int? WeightGradientDepthBlock(int columns) =>
            columns >= 256 ? System.Math.Max(16, System.Math.Min(256, 64 * 1024 / columns / 16 * 16)) : null;
    }
}
