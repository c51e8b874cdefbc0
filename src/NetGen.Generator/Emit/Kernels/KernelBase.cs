namespace NetGen.Generator.Emit.Kernels
{
    /// <summary>
    /// A kernel with one public dispatcher (the JIT folds its <c>IsHardwareAccelerated</c> checks to one call) and one
    /// private method per instruction-set path, written by <see cref="EmitPath"/>.
    /// </summary>
    internal abstract class KernelBase : IKernel
    {
        protected KernelBase(string name, string summary, string signature, string arguments)
        {
            Name = name;
            Summary = summary;
            Signature = signature;
            Arguments = arguments;
        }

        public string Name { get; }

        public string Summary { get; }

        /// <summary>Parameter list, e.g. <c>ref float x, ref float w, ref float bias, ref float y, int rows</c>.</summary>
        public string Signature { get; }

        /// <summary>The same parameters as arguments, for the dispatcher.</summary>
        public string Arguments { get; }

        public void EmitDispatcher(SourceWriter w)
        {
            w.Line($"/// <summary>{Summary}</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"public static void {Name}({Signature})"))
            {
                w.Line($"if (Vector512.IsHardwareAccelerated) {Name}_V512({Arguments});");
                w.Line($"else if (Vector256.IsHardwareAccelerated) {Name}_V256({Arguments});");
                w.Line($"else {Name}_Scalar({Arguments});");
            }
        }

        public abstract void EmitPath(SourceWriter w, Isa isa);
    }
}
