using NetGen.Generator.Model;

namespace NetGen.Generator.Planning
{
    /// <summary>What the emitters need, computed once from a spec: shapes, offsets, buffer sizes.</summary>
    internal sealed record NetworkPlan(
        NetworkSpec Spec,
        int InputSize,
        int OutputSize,
        int ParameterCount,
        EquatableArray<DenseLayerPlan> Layers,
        int MaxHiddenWidth,
        int PredictChunkRows,
        string Architecture)
    {
        public DenseLayerPlan Last => Layers[Layers.Count - 1];

        public long TotalMacs
        {
            get
            {
                long total = 0;
                foreach (DenseLayerPlan layer in Layers) total += layer.Macs;
                return total;
            }
        }
    }

    /// <summary>
    /// One dense layer. Weights are stored [In, Out] row-major (Keras's kernel layout) at
    /// <see cref="WeightOffset"/> in the parameter block, biases [Out] at <see cref="BiasOffset"/>.
    /// </summary>
    internal sealed record DenseLayerPlan(
        int Index,
        int In,
        int Out,
        ActivationKind Activation,
        int WeightOffset,
        int BiasOffset)
    {
        public int WeightCount => In * Out;

        public int ParameterCount => In * Out + Out;

        public long Macs => (long)In * Out;

        public bool IsFirst => Index == 1;

        /// <summary>Softmax is applied by the network after the layer's linear kernel.</summary>
        public ActivationKind KernelActivation => Activation == ActivationKind.Softmax ? ActivationKind.Linear : Activation;
    }
}
