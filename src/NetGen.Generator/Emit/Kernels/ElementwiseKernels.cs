namespace NetGen.Generator.Emit.Kernels
{
    /// <summary>Element-wise sums and products the merge layers and the gradients of fan-out share.</summary>
    internal static class ElementwiseKernels
    {
        /// <summary>y = a + b.</summary>
        public static ElementwiseKernel Sum { get; } = Binary("Sum", "y = a + b.", "+");

        /// <summary>y = a ⊙ b.</summary>
        public static ElementwiseKernel Product { get; } = Binary("Product", "y = a ⊙ b, element by element.", "*");

        /// <summary>y += a (a gradient reaching a node from a second reader, or a third input of a sum).</summary>
        public static ElementwiseKernel AddInPlace { get; } = InPlace("AddInPlace", "y = y + a.", "+");

        /// <summary>y ⊙= a.</summary>
        public static ElementwiseKernel MultiplyInPlace { get; } = InPlace("MultiplyInPlace", "y = y ⊙ a, element by element.", "*");

        private static ElementwiseKernel Binary(string name, string summary, string op) =>
            new ElementwiseKernel(name, summary, "ref float a, ref float b, ref float y, int count", "ref a, ref b, ref y, count", null,
                (isa, i) => new[] { isa.Store($"{isa.Load("a", i)} {op} {isa.Load("b", i)}", "y", i) });

        private static ElementwiseKernel InPlace(string name, string summary, string op) =>
            new ElementwiseKernel(name, summary, "ref float y, ref float a, int count", "ref y, ref a, count", null,
                (isa, i) => new[] { isa.Store($"{isa.Load("y", i)} {op} {isa.Load("a", i)}", "y", i) });
    }
}
