namespace NetGen.Generator.Tests;

/// <summary>Valid network declarations shared by the snapshot, compile and incrementality tests.</summary>
internal static class Networks
{
    /// <summary>The seed: Keras's Fashion-MNIST MLP.</summary>
    public const string Seed = """
        using NetGen;

        namespace Demo;

        [Input(784)]
        [Dense(64, Activation.ReLU)]
        [Dense(64, Activation.ReLU)]
        [Dense(10, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam(LearningRate = 1e-3f)]
        public partial class FashionMlp
        {
        }
        """;

    /// <summary>XOR: 2-8 Tanh-1 Sigmoid, binary cross-entropy, SGD with momentum.</summary>
    public const string Xor = """
        using NetGen;

        namespace Demo.Logic;

        [Input(2)]
        [Dense(8, Activation.Tanh)]
        [Dense(1, Activation.Sigmoid)]
        [Loss(LossKind.BinaryCrossEntropy)]
        [Sgd(LearningRate = 0.1f, Momentum = 0.9f)]
        public partial class XorNet
        {
        }
        """;

    /// <summary>Regression: 3-16 ReLU-1 Linear, mean squared error, plain SGD with the default learning rate.</summary>
    public const string Regression = """
        using NetGen;

        namespace Demo;

        [Input(3)]
        [Dense(16, Activation.ReLU)]
        [Dense(1)]
        [Loss(LossKind.MeanSquaredError)]
        [Sgd]
        internal partial class Regressor
        {
        }
        """;

    /// <summary>Odd widths (5 → 33 → 7) so every kernel has V256 and scalar column tails; categorical CE, Adam with all settings.</summary>
    public const string OddWidths = """
        using NetGen;

        namespace Demo.Tails;

        [Input(5)]
        [Dense(33, Activation.Sigmoid)]
        [Dense(7, Activation.Softmax)]
        [Loss(LossKind.CategoricalCrossEntropy)]
        [Adam(LearningRate = 0.0005f, Beta1 = 0.85f, Beta2 = 0.995f, Epsilon = 1e-6f)]
        public partial class OddNet
        {
        }
        """;

    /// <summary>A network in the global namespace (no namespace declaration in the output).</summary>
    public const string GlobalNamespace = """
        using NetGen;

        [Input(4)]
        [Dense(3, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam]
        partial class GlobalNet
        {
        }
        """;

    /// <summary>Mean squared error through sigmoid and softmax outputs, and a hidden Linear layer, wider than one V512 tile group.</summary>
    public const string MseThroughActivations = """
        using NetGen;

        namespace Demo;

        #pragma warning disable NG0103 // deliberately a hidden layer without activation
        [Input(20)]
        [Dense(80)]
        [Dense(17, Activation.Sigmoid)]
        [Loss(LossKind.MeanSquaredError)]
        [Sgd(LearningRate = 0.05f)]
        public partial class Autoencoderish
        {
        }
        """;

    public const string LeNet = """
        using NetGen;

        namespace Demo.Vision;

        [Input(28, 28, 1)]
        [Conv2D(6, 5, Activation.ReLU, Padding = Padding.Same)]
        [MaxPool2D(2)]
        [Conv2D(16, 5, Activation.ReLU)]
        [MaxPool2D(2)]
        [Flatten]
        [Dropout(0.25f)]
        [Dense(120, Activation.ReLU)]
        [Dense(84, Activation.ReLU)]
        [Dense(10, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam]
        public partial class LeNet5
        {
        }
        """;

    public const string StridedConvolution = """
        using NetGen;

        namespace Demo.Vision;

        [Input(11, 9, 3)]
        [Conv2D(4, 3, Activation.Tanh, Stride = 2, Padding = Padding.Same)]
        [AvgPool2D(2, Padding = Padding.Same)]
        [Flatten]
        [Dense(2, Activation.Sigmoid)]
        [Loss(LossKind.BinaryCrossEntropy)]
        [Sgd(LearningRate = 0.05f, Momentum = 0.9f)]
        public partial class Strided
        {
        }
        """;

    /// <summary>A rectangular dilated convolution without bias, a strided depthwise convolution with a depth multiplier, a pointwise convolution.</summary>
    public const string WindowConvolutions = """
        using NetGen;

        namespace Demo.Vision;

        [Input(12, 15, 3)]
        [Conv2D(8, 3, 5, Activation.ReLU, DilationRate = 2, Padding = Padding.Same, UseBias = false)]
        [DepthwiseConv2D(3, Activation.ReLU, DepthMultiplier = 2, StrideHeight = 2, Padding = Padding.Same)]
        [Conv2D(4, 1)]
        [Flatten]
        [Dense(3, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam]
        public partial class WindowConvolutions
        {
        }
        """;

    /// <summary>Row-sequential Fashion-MNIST: 28 steps of 28 pixels through an LSTM.</summary>
    public const string RowLstm = """
        using NetGen;

        namespace Demo.Sequences;

        [Input(28, 28)]
        [LSTM(128)]
        [Dense(10, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam]
        public partial class FashionLstm
        {
        }
        """;

    /// <summary>Token ids through a masked embedding, a stacked GRU and a SimpleRNN, odd sizes.</summary>
    public const string TokenGru = """
        using NetGen;

        namespace Demo.Sequences;

        [Input(9)]
        [Embedding(30, 7, MaskZero = true)]
        [GRU(19, ReturnSequences = true)]
        [SimpleRNN(5, Activation.ReLU)]
        [Dense(3, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Sgd(LearningRate = 0.05f)]
        public partial class TokenGru
        {
        }
        """;

    /// <summary>A residual MLP: the first layer feeds both the block and the sum (fan-out), Add joins them.</summary>
    public const string Residual = """
        using NetGen;

        namespace Demo.Graphs;

        [Input(784)]
        [Dense(64, Activation.ReLU, Name = "h")]
        [Dense(64, Activation.ReLU)]
        [Dense(64, Name = "f")]
        [Add("h", "f")]
        [Dense(10, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam]
        public partial class ResidualMlp
        {
        }
        """;

    /// <summary>Two branches from one named input, gated by a product and joined with the input itself by Concatenate.</summary>
    public const string Branches = """
        using NetGen;

        namespace Demo.Graphs;

        [Input(12, Name = "x")]
        [Dense(8, Activation.Tanh, Name = "a")]
        [Dense(8, Activation.Sigmoid, Input = "x", Name = "gate")]
        [Multiply("a", "gate", Name = "gated")]
        [Concatenate("gated", "x", "a")]
        [Dense(3, Activation.Softmax)]
        [Loss(LossKind.CategoricalCrossEntropy)]
        [Sgd(LearningRate = 0.05f, Momentum = 0.9f)]
        public partial class Branches
        {
        }
        """;

    /// <summary>Two inputs, an image branch and a numeric vector, concatenated.</summary>
    public const string TwoInputs = """
        using NetGen;

        namespace Demo.Graphs;

        [Input(8, 8, 1, Name = "image")]
        [Input(5, Name = "numeric")]
        [Conv2D(4, 3, Activation.ReLU, Input = "image")]
        [Flatten(Name = "features")]
        [Dense(6, Activation.ReLU, Input = "numeric", Name = "n")]
        [Concatenate("features", "n")]
        [Dense(2, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam]
        public partial class TwoInputs
        {
        }
        """;

    /// <summary>
    /// Batch normalization after a convolution and a dense layer (both fold at inference), after an activation (kept as
    /// a scale and shift), and on the raw (H, W, C) input.
    /// </summary>
    public const string BatchNormalization = """
        using NetGen;

        namespace Demo.Normalized;

        [Input(10, 10, 2)]
        [BatchNormalization(Scale = false)]
        [Conv2D(4, 3)]
        [BatchNormalization]
        [Activation(Activation.ReLU)]
        [MaxPool2D(2)]
        [Flatten]
        [Dense(16)]
        [BatchNormalization(Momentum = 0.9f, Epsilon = 1e-5f)]
        [Activation(Activation.ReLU)]
        [Dense(8, Activation.Tanh)]
        [BatchNormalization(Center = false)]
        [Dense(3, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam]
        public partial class BatchNormalized
        {
        }
        """;

    /// <summary>GELU, SiLU and GELU (tanh) on convolutions and dense layers, and a standalone [Activation] layer on images.</summary>
    public const string ModernActivations = """
        using NetGen;

        namespace Demo.Modern;

        [Input(12, 12, 1)]
        [Conv2D(4, 3)]
        [Activation(Activation.GELU)]
        [MaxPool2D(2)]
        [Conv2D(6, 3, Activation.SiLU)]
        [Flatten]
        [Dense(16, Activation.GELUTanh)]
        [Dense(10, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam]
        public partial class ModernActivations
        {
        }
        """;

    /// <summary>
    /// Layer normalization of a sequence's steps and of a recurrent layer's states (PyTorch's ε, no β), LeakyReLU with a
    /// slope of 0.2 and ELU on dense layers, and a standalone LeakyReLU layer of Keras's default slope.
    /// </summary>
    public const string NormAct = """
        using NetGen;

        namespace Demo.Norm;

        [Input(6, 11)]
        [LayerNormalization]
        [LSTM(8, ReturnSequences = true)]
        [LayerNormalization(Epsilon = 1e-5f, Center = false)]
        [Flatten]
        [Dense(16, Activation.LeakyReLU, Alpha = 0.2f)]
        [Dense(12, Activation.ELU)]
        [Activation(Activation.LeakyReLU)]
        [Dense(3, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam]
        public partial class NormAct
        {
        }
        """;

    /// <summary>Global pooling: the maximum of a convolution's channel-major planes, the mean of the raw (H, W, C) input, joined.</summary>
    public const string GlobalPooling = """
        using NetGen;

        namespace Demo;

        [Input(6, 5, 3, Name = "image")]
        [Conv2D(4, 3, Activation.ReLU)]
        [GlobalMaxPooling2D(Name = "max")]
        [GlobalAveragePooling2D(Input = "image", Name = "mean")]
        [Concatenate("max", "mean")]
        [Dense(3, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam]
        public partial class GlobalPoolingNet
        {
        }
        """;

    /// <summary>Token ids → embedding → a causal, dilated Conv1D → the maximum over the steps (the language-identification CNN's shape).</summary>
    public const string TokenConv1D = """
        using NetGen;

        namespace Demo;

        [Input(12)]
        [Embedding(20, 6)]
        [Conv1D(8, 3, Activation.ReLU, DilationRate = 2, Padding = Padding.Causal)]
        [GlobalMaxPooling1D]
        [Dense(4, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam]
        public partial class TokenCnn
        {
        }
        """;

    /// <summary>Huber regression: 5-12 Tanh-2 Linear, δ = 0.5, Adam.</summary>
    public const string HuberRegression = """
        using NetGen;

        namespace Demo;

        [Input(5)]
        [Dense(12, Activation.Tanh)]
        [Dense(2)]
        [Loss(LossKind.Huber, Delta = 0.5f)]
        [Adam]
        internal partial class RobustRegressor
        {
        }
        """;

    /// <summary>Label smoothing: 20-16 ReLU-10 Softmax, sparse categorical cross-entropy with ε = 0.1, Adam.</summary>
    public const string LabelSmoothing = """
        using NetGen;

        namespace Demo;

        [Input(20)]
        [Dense(16, Activation.ReLU)]
        [Dense(10, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy, LabelSmoothing = 0.1f)]
        [Adam]
        internal partial class SmoothClassifier
        {
        }
        """;

    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        [nameof(HuberRegression)] = HuberRegression,
        [nameof(LabelSmoothing)] = LabelSmoothing,
        [nameof(NormAct)] = NormAct,
        [nameof(TokenConv1D)] = TokenConv1D,
        [nameof(GlobalPooling)] = GlobalPooling,
        [nameof(ModernActivations)] = ModernActivations,
        [nameof(BatchNormalization)] = BatchNormalization,
        [nameof(TwoInputs)] = TwoInputs,
        [nameof(Residual)] = Residual,
        [nameof(Branches)] = Branches,
        [nameof(RowLstm)] = RowLstm,
        [nameof(TokenGru)] = TokenGru,
        [nameof(LeNet)] = LeNet,
        [nameof(StridedConvolution)] = StridedConvolution,
        [nameof(WindowConvolutions)] = WindowConvolutions,
        [nameof(Seed)] = Seed,
        [nameof(Xor)] = Xor,
        [nameof(Regression)] = Regression,
        [nameof(OddWidths)] = OddWidths,
        [nameof(GlobalNamespace)] = GlobalNamespace,
        [nameof(MseThroughActivations)] = MseThroughActivations,
        [nameof(AdamWDecay)] = AdamWDecay,
        [nameof(RMSpropClipped)] = RMSpropClipped,
        [nameof(Nesterov)] = Nesterov,
    };

    public static IEnumerable<object[]> Names => All.Keys.Select(k => new object[] { k });

    /// <summary>AdamW with decoupled weight decay on the 2-D weights only (not biases, not γ and β), gradients clipped by global norm.</summary>
    public const string AdamWDecay = """
        using NetGen;

        namespace Demo.Optim;

        [Input(12)]
        [Dense(16, Activation.ReLU)]
        [LayerNormalization]
        [Dense(4, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [AdamW(LearningRate = 1e-3f, WeightDecay = 0.1f, WeightDecayApplies = WeightDecayScope.WeightsOnly, GlobalClipNorm = 1f)]
        public partial class AdamWNet
        {
        }
        """;

    /// <summary>Centered RMSprop with momentum, L2 weight decay, each tensor's gradient clipped by its norm, batch normalization (never stepped).</summary>
    public const string RMSpropClipped = """
        using NetGen;

        namespace Demo.Optim;

        [Input(10)]
        [Dense(8)]
        [BatchNormalization]
        [Activation(Activation.ReLU)]
        [Dense(3, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [RMSprop(Rho = 0.9f, Momentum = 0.5f, Centered = true, WeightDecay = 1e-4f, ClipNorm = 1f)]
        public partial class RMSpropNet
        {
        }
        """;

    /// <summary>SGD with Nesterov momentum, gradients clipped by value.</summary>
    public const string Nesterov = """
        using NetGen;

        namespace Demo.Optim;

        [Input(5)]
        [Dense(7, Activation.Tanh)]
        [Dense(2, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Sgd(LearningRate = 0.05f, Momentum = 0.9f, Nesterov = true, ClipValue = 0.5f)]
        public partial class NesterovNet
        {
        }
        """;
}
