namespace NetGen.Generator.Model
{
    /// <summary>Mirrors NetGen.Activation (the generator does not load the attributes assembly).</summary>
    internal enum ActivationKind
    {
        Linear = 0,
        ReLU = 1,
        Sigmoid = 2,
        Tanh = 3,
        Softmax = 4,
    }

    /// <summary>Mirrors NetGen.LossKind.</summary>
    internal enum LossKind
    {
        MeanSquaredError = 0,
        BinaryCrossEntropy = 1,
        CategoricalCrossEntropy = 2,
        SparseCategoricalCrossEntropy = 3,
    }

    internal enum OptimizerKind
    {
        Sgd,
        Adam,
    }

    /// <summary>Everything the generator needs to know about one network: plain, equatable data, no symbols.</summary>
    internal sealed record NetworkSpec(
        string? Namespace,
        string ClassName,
        EquatableArray<int> InputShape,
        EquatableArray<LayerSpec> Layers,
        LossKind Loss,
        OptimizerSpec Optimizer);

    /// <summary>One layer, in declaration order. One subclass per layer kind, in the kind's folder under <c>Layers/</c>.</summary>
    internal abstract record LayerSpec
    {
        /// <summary>The layer's kind (not part of equality: it follows from the record's type).</summary>
        public abstract NetGen.Generator.Layers.LayerKind Kind { get; }
    }

    /// <summary>The optimizer and its hyper-parameters (unused ones keep their defaults).</summary>
    internal sealed record OptimizerSpec(
        OptimizerKind Kind,
        float LearningRate,
        float Momentum,
        float Beta1,
        float Beta2,
        float Epsilon);
}

namespace NetGen.Generator.Model
{
    /// <summary>Mirrors NetGen.Padding.</summary>
    internal enum PaddingKind
    {
        Valid = 0,
        Same = 1,
    }
}
