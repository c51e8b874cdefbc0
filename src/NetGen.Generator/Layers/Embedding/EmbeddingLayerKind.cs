using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>Token ids to learned vectors; with <paramref name="MaskZero"/>, id 0 is padding the recurrent layers skip.</summary>
    internal sealed record EmbeddingSpec(int Vocabulary, int Dimension, bool MaskZero) : LayerSpec
    {
        public override LayerKind Kind => EmbeddingLayerKind.Instance;
    }

    /// <summary><c>[Embedding(vocabulary, dimension, MaskZero)]</c>: the network's token ids [steps] to vectors [steps, dimension]; first layer only.</summary>
    internal sealed class EmbeddingLayerKind : LayerKind<EmbeddingSpec, EmbeddingLayerPlan>
    {
        public static readonly EmbeddingLayerKind Instance = new EmbeddingLayerKind();

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { "NetGen.EmbeddingAttribute" };

        public override bool Merges => false;

        public override LayerSpec? Parse(LayerAttribute a)
        {
            int vocabulary = a.Positive(0, "vocabulary", "[Embedding] vocabulary", a.Int(0));
            int dimension = a.Positive(1, "dimension", "[Embedding] dimension", a.Int(1));
            return a.Ok ? new EmbeddingSpec(vocabulary, dimension, a.NamedBool("MaskZero")) : null;
        }

        protected override string Display(EmbeddingSpec spec) => $"Embedding({spec.Vocabulary}, {spec.Dimension})";

        protected override ShapeResult OutputShape(EmbeddingSpec spec, ShapeInput input) =>
            // an embedding reads the network's token ids, whatever the shape before it
            !input.ReadsNetworkInput || input.Shape.Length != 1
                ? ShapeResult.Fails(DiagnosticDescriptors.EmbeddingNotFirst, Display(spec), ShapeInference.Format(input.Shape))
                : ShapeResult.Of(input.Shape[0], spec.Dimension);

        protected override long ParameterCount(EmbeddingSpec spec, int[] inputShape) => (long)spec.Vocabulary * spec.Dimension;

        protected override MaskFlow Mask(EmbeddingSpec spec) => spec.MaskZero ? MaskFlow.Starts : MaskFlow.Stops;

        public override bool KeepsLayout => false;

        protected override string Architecture(EmbeddingSpec e) =>
            "Embedding(" + e.Vocabulary + "," + e.Dimension + (e.MaskZero ? ",mask_zero" : "") + ")";

        protected override EmbeddingLayerPlan Plan(EmbeddingSpec spec, LayerPlanInput input) =>
            new EmbeddingLayerPlan(input.Index, input.InShape, spec, input.ParameterOffset);

        protected override string Describe(EmbeddingLayerPlan layer) => EmbeddingEmitter.Describe(layer);

        protected override IReadOnlyList<ParameterTensor> Parameters(EmbeddingLayerPlan e) => new[]
        {
            new ParameterTensor("weight", e.WeightOffset, new[] { e.Vocabulary, e.Dimension }, "embedding.weight", $"Embedding{e.Index}Weights",
                $"Layer {e.Index} embedding table, [{e.Vocabulary}, {e.Dimension}] row-major (row = token id).",
                new TorchMapping("weight", 0, e.Vocabulary, e.Dimension, new[] { e.Vocabulary, e.Dimension })),
        };

        protected override void EmitInitialization(SourceWriter w, EmbeddingLayerPlan e) =>
            w.Line($"Initializers.Uniform(Embedding{e.Index}Weights, -0.05f, 0.05f, ref random);");

        protected override IReadOnlyList<string> InitializationPhrases(EmbeddingLayerPlan layer) => new[] { "embeddings uniform in ±0.05" };

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(EmbeddingLayerPlan layer) => NoBuffers;

        protected override void EmitForward(SourceWriter w, KernelSet kernels, EmbeddingLayerPlan layer, ActivationFunction activation, LayerRefs refs) =>
            EmbeddingEmitter.EmitForward(w, layer, refs);

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, EmbeddingLayerPlan layer, LayerRefs refs) =>
            EmbeddingEmitter.EmitBackward(w, layer, refs);
    }
}
