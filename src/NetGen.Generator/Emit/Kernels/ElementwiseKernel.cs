using System;
using System.Collections.Generic;

namespace NetGen.Generator.Emit.Kernels
{
    /// <summary>
    /// A loop over <see cref="Count"/> elements, a register at a time with a scalar tail
    /// (optimizer updates). The body is written once per isa by <see cref="Body"/>(isa, index).
    /// </summary>
    internal sealed class ElementwiseKernel : KernelBase
    {
        /// <param name="count">The element count: a constant, or null for the runtime parameter <c>count</c>.</param>
        /// <param name="count">The element count: a constant, or null for the runtime parameter <c>count</c>.</param>
        public ElementwiseKernel(string name, string summary, string signature, string arguments, int? count, Func<Isa, string, IEnumerable<string>> body)
            : base(name, summary, signature, arguments)
        {
            Count = count;
            Body = body;
        }

        public int? Count { get; }

        private string Bound => Count.HasValue ? Literal.Int(Count.Value) : "count";

        public Func<Isa, string, IEnumerable<string>> Body { get; }

        public override void EmitPath(SourceWriter w, Isa isa)
        {
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {Name}_{isa.Suffix}({Signature})"))
            {
                w.Line(isa.IsScalar ? "// scalar: one element at a time" : $"// {isa.Suffix}: {isa.Width} elements a register, then a scalar tail");
                w.Line("int i = 0;");
                if (!isa.IsScalar && (!Count.HasValue || Count.Value >= isa.Width))
                {
                    w.Line("// main loop");
                    using (w.Block($"for (; i + {isa.Width} <= {Bound}; i += {isa.Width})"))
                    {
                        foreach (string line in Body(isa, "i")) w.Line(line);
                    }
                }
                if (isa.IsScalar || !Count.HasValue || Count.Value % isa.Width != 0)
                {
                    w.Line(isa.IsScalar ? "// one element at a time" : "// tail");
                    using (w.Block($"for (; i < {Bound}; i++)"))
                    {
                        foreach (string line in Body(Isa.Scalar, "i")) w.Line(line);
                    }
                }
            }
        }
    }
}
