namespace NetGen.Generator.Emit.Kernels
{
    /// <summary>A generated kernel: one dispatcher plus one method per instruction-set path.</summary>
    internal interface IKernel
    {
        /// <summary>Unique within a network; encodes the specialization (e.g. <c>DenseForward_784x64_Relu</c>).</summary>
        string Name { get; }

        void EmitDispatcher(SourceWriter w);

        void EmitPath(SourceWriter w, Isa isa);
    }
}
