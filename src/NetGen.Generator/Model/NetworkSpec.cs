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
        GELU = 5,
        GELUTanh = 6,
        SiLU = 7,
        LeakyReLU = 8,
        ELU = 9,
    }

    /// <summary>Mirrors NetGen.LossKind.</summary>
    internal enum LossKind
    {
        MeanSquaredError = 0,
        BinaryCrossEntropy = 1,
        CategoricalCrossEntropy = 2,
        SparseCategoricalCrossEntropy = 3,
        MeanAbsoluteError = 4,
        Huber = 5,
    }

    internal enum OptimizerKind
    {
        Sgd,
        Adam,
        /// <summary>Adam with decoupled weight decay, PyTorch's <c>torch.optim.AdamW</c> update.</summary>
        AdamW,
        /// <summary>PyTorch's <c>torch.optim.RMSprop</c> update.</summary>
        RMSprop,
    }

    /// <summary>Everything the generator needs to know about one network: plain, equatable data, no symbols.</summary>
    internal sealed record NetworkSpec(
        string? Namespace,
        string ClassName,
        EquatableArray<int> InputShape,
        EquatableArray<LayerSpec> Layers,
        LossKind Loss,
        OptimizerSpec Optimizer)
    {
        /// <summary>
        /// Where each layer reads from, parallel to <see cref="Layers"/>. Empty for a stack (every layer reads the one before
        /// it), which is how sequential declarations stay exactly as they were.
        /// </summary>
        public EquatableArray<LayerWiring> Wiring { get; init; } = EquatableArray<LayerWiring>.Empty;

        /// <summary>The name of the [Input], if it has one.</summary>
        public string? InputName { get; init; }

        /// <summary>[Loss]'s Delta: <see cref="LossKind.Huber"/>'s δ (1 for every other loss).</summary>
        public float HuberDelta { get; init; } = 1f;

        /// <summary>[Loss]'s LabelSmoothing ε for the categorical losses (0: none).</summary>
        public float LabelSmoothing { get; init; }

        /// <summary>
        /// Every [Input] when there are several, in declaration order (the first is <see cref="InputShape"/> and
        /// <see cref="InputName"/>); empty for one. Input j is node −j: node 0 is the first input, node k is layer k.
        /// </summary>
        public EquatableArray<InputSpec> Inputs { get; init; } = EquatableArray<InputSpec>.Empty;

        /// <summary>How many inputs the network has.</summary>
        public int InputCount => Inputs.Count == 0 ? 1 : Inputs.Count;

        /// <summary>The shape of input <paramref name="j"/>.</summary>
        public EquatableArray<int> InputShapeOf(int j) => Inputs.Count == 0 ? InputShape : Inputs[j].Shape;

        /// <summary>The name of input <paramref name="j"/>, if it has one.</summary>
        public string? InputNameOf(int j) => Inputs.Count == 0 ? InputName : Inputs[j].Name;

        /// <summary>The nodes layer <paramref name="index"/> (0-based) reads: 0 is the network input, k is layer k (1-based).</summary>
        public EquatableArray<int> SourcesOf(int index) =>
            Wiring.Count == 0 ? new EquatableArray<int>(new[] { index }) : Wiring[index].Sources;
    }

    /// <summary>
    /// One layer's place in the graph: its name, if any, and the nodes it reads (0 is the network input, k is layer k,
    /// always declared before it, so declaration order is a topological order).
    /// </summary>
    internal sealed record LayerWiring(string? Name, EquatableArray<int> Sources);

    /// <summary>One of several [Input]s: its name and shape.</summary>
    internal sealed record InputSpec(string? Name, EquatableArray<int> Shape);

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
        float Epsilon)
    {
        /// <summary>SGD: Nesterov momentum.</summary>
        public bool Nesterov { get; init; }

        /// <summary>RMSprop: decay of the squared-gradient average (PyTorch's <c>alpha</c>).</summary>
        public float Rho { get; init; }

        /// <summary>RMSprop: keeps a gradient average and normalizes by the variance estimate.</summary>
        public bool Centered { get; init; }

        /// <summary>Weight decay λ (0: none): coupled L2 (g ← g + λ·p) for SGD, Adam and RMSprop; decoupled for AdamW.</summary>
        public float WeightDecay { get; init; }

        /// <summary>The weight decay applies to tensors of rank 2 or more only (not biases, not normalization's γ and β).</summary>
        public bool DecayWeightsOnly { get; init; }

        /// <summary>Clip every gradient value to [−ClipValue, ClipValue] (0: off).</summary>
        public float ClipValue { get; init; }

        /// <summary>Scale each parameter tensor's gradient to a norm of at most ClipNorm (0: off).</summary>
        public float ClipNorm { get; init; }

        /// <summary>Scale the whole gradient to a norm of at most GlobalClipNorm (0: off).</summary>
        public float GlobalClipNorm { get; init; }

        /// <summary>True when the step needs gradient norms first (per tensor or global), computed after the workers' gradients are summed.</summary>
        public bool ClipsByNorm => ClipNorm > 0 || GlobalClipNorm > 0;

        /// <summary>True when the decay is AdamW's decoupled p ← p·(1 − lr·λ) rather than an L2 term in the gradient.</summary>
        public bool DecouplesDecay => Kind == OptimizerKind.AdamW;
    }
}

namespace NetGen.Generator.Model
{
    /// <summary>Mirrors NetGen.Padding.</summary>
    internal enum PaddingKind
    {
        Valid = 0,
        Same = 1,
        Causal = 2,
    }
}
