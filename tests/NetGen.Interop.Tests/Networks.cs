using NetGen;

namespace NetGen.Interop.Tests;

/// <summary>The seed network: Keras's Fashion-MNIST MLP.</summary>
[Input(784)]
[Dense(64, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class FashionMlp;

/// <summary>A tiny network, so corruption tests can try every byte.</summary>
[Input(5)]
[Dense(7, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class TinyNet;

/// <summary>Same input and output sizes as <see cref="TinyNet"/>, another hidden width: another architecture.</summary>
[Input(5)]
[Dense(8, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class WiderTinyNet;

/// <summary>Every activation, odd widths, one-hot targets.</summary>
#pragma warning disable NG0103 // deliberately a hidden Linear layer: every activation is exported
[Input(13)]
[Dense(17, Activation.ReLU)]
[Dense(11, Activation.Tanh)]
[Dense(9, Activation.Sigmoid)]
[Dense(6, Activation.Linear)]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.CategoricalCrossEntropy)]
[Adam(LearningRate = 0.005f)]
public partial class MixedNet;
#pragma warning restore NG0103

/// <summary>Regression with a linear output (outputs not squashed into [0, 1]).</summary>
[Input(6)]
[Dense(24, Activation.Tanh)]
[Dense(3)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.01f)]
public partial class RegressionNet;

/// <summary>SGD with momentum: one velocity per parameter.</summary>
[Input(20)]
[Dense(16, Activation.ReLU)]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Sgd(LearningRate = 0.05f, Momentum = 0.9f)]
public partial class MomentumNet;

/// <summary>The same architecture text as <see cref="MomentumNet"/>, but plain SGD: no optimizer state.</summary>
[Input(20)]
[Dense(16, Activation.ReLU)]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Sgd(LearningRate = 0.05f)]
public partial class PlainSgdNet;

/// <summary>Adam on the same layers as <see cref="MomentumNet"/>.</summary>
[Input(20)]
[Dense(16, Activation.ReLU)]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class AdamNet;

// ---- Every layer kind, for the PyTorch interop tests (TorchLayerInteropTests) ----

/// <summary>Two channels of (H, W, C) input, same and valid convolutions, max and average pooling (same padding with an odd input: the extra column after, not counted), flattened channel-major.</summary>
[Input(8, 8, 2)]
[Conv2D(3, 3, Activation.ReLU, Padding = Padding.Same)]
[MaxPool2D(2)]
[Conv2D(4, 2, Activation.Tanh)]
[AvgPool2D(2, Padding = Padding.Same)]
[Flatten]
[Dense(5, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class TorchCnn;

/// <summary>Stride 2 with same padding on an odd, non-square input (asymmetric padding), max pooling with same padding, regression.</summary>
[Input(9, 7, 1)]
[Conv2D(2, 3, Activation.Sigmoid, Stride = 2, Padding = Padding.Same)]
[MaxPool2D(2, Padding = Padding.Same)]
[Flatten]
[Dense(3)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.05f)]
public partial class TorchStridedCnn;

/// <summary>An LSTM classifier: 5 steps of 3 features, the last state.</summary>
[Input(5, 3)]
[LSTM(4)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class TorchLstm;

/// <summary>A GRU returning every step, flattened step-major into a dense layer.</summary>
[Input(5, 3)]
[GRU(4, ReturnSequences = true)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class TorchGruSequence;

/// <summary>A SimpleRNN with ReLU (nn.RNN's nonlinearity="relu"), the last state.</summary>
[Input(4, 3)]
[SimpleRNN(6, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class TorchRnnRelu;

/// <summary>A masked embedding through a GRU returning sequences, a dropout (the mask passes) and an LSTM: both recurrent layers skip id 0.</summary>
[Input(7)]
[Embedding(11, 4, MaskZero = true)]
[GRU(5, ReturnSequences = true)]
[Dropout(0.25f)]
[LSTM(6)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class TorchMaskedEmbeddingGruLstm;

/// <summary>An embedding without a mask (id 0 is an ordinary token), flattened into a dense layer.</summary>
[Input(6)]
[Embedding(10, 3)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class TorchEmbeddingFlatten;

/// <summary>A masked embedding into a tanh SimpleRNN returning sequences, flattened: a masked step's output (the carried-over state) reaches the dense layer.</summary>
[Input(6)]
[Embedding(9, 3, MaskZero = true)]
[SimpleRNN(5, ReturnSequences = true)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class TorchMaskedEmbeddingRnnSequence;

/// <summary>Two 1-D convolutions: same padding with stride 2 and dilation 2, then causal without bias; the maximum over the steps.</summary>
[Input(11, 3)]
[Conv1D(4, 3, Activation.ReLU, Stride = 2, DilationRate = 2, Padding = Padding.Same)]
[Conv1D(5, 2, Activation.Tanh, Padding = Padding.Causal, UseBias = false)]
[GlobalMaxPooling1D]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class TorchConv1D;

/// <summary>Token embeddings into a valid GELU Conv1D, the mean over the steps.</summary>
[Input(9)]
[Embedding(10, 4)]
[Conv1D(6, 3, Activation.GELU)]
[GlobalAveragePooling1D]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class TorchEmbeddingConv1D;

/// <summary>Global max pooling of a convolution's channels, as torch.amax over NCHW's height and width.</summary>
[Input(6, 5, 2)]
[Conv2D(3, 3, Activation.ReLU)]
[GlobalMaxPooling2D]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class TorchGlobalMaxCnn;
