using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>Valid padding, ReLU, then the maximum over the steps.</summary>
[Input(9, 3)]
[Conv1D(4, 3, Activation.ReLU)]
[GlobalMaxPooling1D]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class Conv1DValidNet;

/// <summary>Same padding with stride 3 (10 steps → 4; the odd zero after), tanh, regression.</summary>
[Input(10, 5)]
[Conv1D(6, 4, Activation.Tanh, Stride = 3, Padding = Padding.Same)]
[Flatten]
[Dense(2)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.05f)]
public partial class Conv1DSameStrideNet;

/// <summary>Causal padding with dilation 2 (4 zeros before), GELU (pre-activations kept), the mean over the steps.</summary>
[Input(11, 2)]
[Conv1D(5, 3, Activation.GELU, DilationRate = 2, Padding = Padding.Causal)]
[GlobalAveragePooling1D]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class Conv1DCausalDilatedNet;

/// <summary>Two convolutions: causal with stride 2 and no bias (SiLU), then same with dilation 2 and 17 filters (register tails).</summary>
[Input(7, 4)]
[Conv1D(3, 2, Activation.SiLU, Stride = 2, Padding = Padding.Causal, UseBias = false)]
[Conv1D(17, 3, Activation.Sigmoid, DilationRate = 2, Padding = Padding.Same)]
[GlobalMaxPooling1D]
[Dense(2, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class Conv1DStackedNet;

/// <summary>Valid padding with stride 2 and dilation 3: windows span 7 of 12 steps, 3 outputs; linear.</summary>
[Input(12, 3)]
[Conv1D(4, 3, Stride = 2, DilationRate = 3)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class Conv1DValidStrideDilationNet;

/// <summary>The language-identification shape: token embeddings, a same-padded ReLU convolution, the maximum over the steps.</summary>
[Input(13)]
[Embedding(10, 5)]
[Conv1D(16, 5, Activation.ReLU, Padding = Padding.Same)]
[GlobalMaxPooling1D]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class EmbeddingConv1DNet;
