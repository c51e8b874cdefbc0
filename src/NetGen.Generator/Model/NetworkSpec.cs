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

    /// <summary>One layer, in declaration order. One subclass per layer kind.</summary>
    internal abstract record LayerSpec;

    /// <summary>A fully connected layer.</summary>
    internal sealed record DenseSpec(int Units, ActivationKind Activation) : LayerSpec;

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

    internal enum PoolKind
    {
        Max,
        Average,
    }

    /// <summary>A 2-D convolution with a square kernel and the same stride on both axes.</summary>
    internal sealed record Conv2DSpec(int Filters, int KernelSize, int Stride, PaddingKind Padding, ActivationKind Activation) : LayerSpec;

    /// <summary>Max or average pooling over square windows.</summary>
    internal sealed record Pool2DSpec(PoolKind Kind, int Size, int Stride, PaddingKind Padding) : LayerSpec;

    /// <summary>Flattens an image into a vector (channel-major order).</summary>
    internal sealed record FlattenSpec : LayerSpec;

    /// <summary>Inverted dropout, active in training only.</summary>
    internal sealed record DropoutSpec(float Rate) : LayerSpec;
}

namespace NetGen.Generator.Model
{
    internal enum RecurrentKind
    {
        SimpleRnn,
        Lstm,
        Gru,
    }

    /// <summary>Token ids to learned vectors; with <paramref name="MaskZero"/>, id 0 is padding the recurrent layers skip.</summary>
    internal sealed record EmbeddingSpec(int Vocabulary, int Dimension, bool MaskZero) : LayerSpec;

    /// <summary>A recurrent layer over (steps, features); <paramref name="Activation"/> is SimpleRNN's (LSTM and GRU use sigmoid and tanh).</summary>
    internal sealed record RecurrentSpec(RecurrentKind Kind, int Units, ActivationKind Activation, bool ReturnSequences) : LayerSpec
    {
        /// <summary>The attribute's name: <c>SimpleRNN</c>, <c>LSTM</c> or <c>GRU</c>.</summary>
        public string Name => NameOf(Kind);

        /// <summary>The attribute's name of a recurrent kind.</summary>
        public static string NameOf(RecurrentKind kind) => kind == RecurrentKind.Lstm ? "LSTM" : kind == RecurrentKind.Gru ? "GRU" : "SimpleRNN";

        /// <summary>Gate blocks of <see cref="Units"/> columns: 1 (SimpleRNN), 4 (LSTM: i, f, c, o), 3 (GRU: z, r, h).</summary>
        public int GateBlocks => Kind == RecurrentKind.Lstm ? 4 : Kind == RecurrentKind.Gru ? 3 : 1;

        /// <summary>Bias rows: GRU keeps its input-side and recurrent-side biases apart.</summary>
        public int BiasRows => Kind == RecurrentKind.Gru ? 2 : 1;
    }
}
