using NetGen.Generator.Emit;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>Embedding lookups: a row copy per token forward, a row sum per token backward (the runtime's SequenceKernels).</summary>
    internal static class EmbeddingEmitter
    {
        public static string Describe(EmbeddingLayerPlan l) =>
            $"Layer {l.Index}: Embedding of {l.Steps} token ids into {l.Dimension} values each (vocabulary {Literal.Grouped(l.Vocabulary)})" +
            (l.MaskZero ? ", id 0 is padding" : "");

        public static void EmitForward(SourceWriter w, EmbeddingLayerPlan l, LayerRefs refs) =>
            w.Line($"SequenceKernels.EmbeddingForward(ref {refs.Input}, {DenseEmitter.At(refs.Parameters, l.WeightAt)}, ref {refs.Output}, {refs.Rows} * {l.Steps}, {l.Dimension}, {l.Vocabulary});");

        public static void EmitBackward(SourceWriter w, EmbeddingLayerPlan l, LayerRefs refs) =>
            w.Line($"SequenceKernels.EmbeddingBackward(ref {refs.Input}, ref {refs.Delta}, {DenseEmitter.At(refs.Gradients, l.WeightAt)}, {refs.Rows} * {l.Steps}, {l.Dimension}, {l.Vocabulary});");
    }
}
