using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>Token ids [steps] to vectors [steps, dimension]. Weights [Vocabulary, Dimension] at <see cref="WeightOffset"/>.</summary>
    internal sealed class EmbeddingLayerPlan : LayerPlan
    {
        public EmbeddingLayerPlan(int index, int[] inShape, EmbeddingSpec spec, int weightOffset)
            : base(index, inShape, new[] { inShape[0], spec.Dimension }, ActivationKind.Linear)
        {
            Vocabulary = spec.Vocabulary;
            Dimension = spec.Dimension;
            MaskZero = spec.MaskZero;
            WeightOffset = weightOffset;
        }

        public int Vocabulary { get; }
        public int Dimension { get; }
        public bool MaskZero { get; }
        public int Steps => InShape[0];
        public int WeightOffset { get; }

        /// <summary>The generated constant holding <see cref="WeightOffset"/>.</summary>
        public string WeightAt => $"Embedding{Index}WeightsOffset";
        public int WeightCount => Vocabulary * Dimension;

        public override int ParameterCount => WeightCount;

        public override int? TokenVocabulary => Vocabulary;

        public override LayerKind Kind => EmbeddingLayerKind.Instance;

        public override string Title => $"Embedding({Vocabulary}, {Dimension})";
    }
}
