using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// A dense layer. Weights are stored [In, Out] row-major (Keras's kernel layout) at
    /// <see cref="WeightOffset"/> in the parameter block, biases [Out] at <see cref="BiasOffset"/>.
    /// </summary>
    internal sealed class DenseLayerPlan : LayerPlan
    {
        public DenseLayerPlan(int index, int[] inShape, int units, ActivationFunction activation, int weightOffset)
            : base(index, inShape, new[] { units }, activation)
        {
            WeightOffset = weightOffset;
            BiasOffset = weightOffset + InSize * units;
        }

        public int In => InSize;

        public int Out => OutSize;

        public int WeightOffset { get; }

        /// <summary>The generated constant holding <see cref="WeightOffset"/>.</summary>
        public string WeightAt => $"Dense{Index}WeightsOffset";

        /// <summary>The generated constant holding <see cref="BiasOffset"/>.</summary>
        public string BiasAt => $"Dense{Index}BiasesOffset";

        public int BiasOffset { get; }

        public int WeightCount => In * Out;

        public override int ParameterCount => In * Out + Out;

        public override long Macs => (long)In * Out;

        /// <summary>Output j's weights are column j of the [In, Out] kernel.</summary>
        public override ChannelWeights? OutputChannelWeights => new ChannelWeights(Out, WeightOffset, 1, Out, In, BiasOffset);

        public override LayerKind Kind => DenseLayerKind.Instance;

        public override string Title => "Dense";

        /// <summary>
        /// Whether the weights can take Adam's step inside the backward pass (<c>DenseWeightGradientAdam</c>) with the same
        /// bits as the separate gradient and update: the gradient's whole reduction stays in registers (no k-blocks), and
        /// the outputs are whole 16-float registers (a narrower tail would be split differently from the gradient kernel's
        /// overlapping one, whose scalar columns round apart from FMAs).
        /// </summary>
        public bool CanFuseAdam => Out % 16 == 0 && Tiling.WeightGradientDepthBlock(Out) is null;

        public override SharedScratchNeed[] SharedScratch =>
            IsFirst ? System.Array.Empty<SharedScratchNeed>() : new[] { new SharedScratchNeed(Layers.SharedScratch.TransposedWeights, WeightCount) };

        /// <summary>Softmax is applied by the network after the layer's linear kernel.</summary>
        public override ActivationFunction KernelActivation => Activation == ActivationKind.Softmax ? ActivationKind.Linear : Activation;
    }
}
