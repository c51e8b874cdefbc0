using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>Global max pooling of a ReLU convolution's channel-major planes (ties at zero), non-square, two input channels.</summary>
[Input(7, 9, 2)]
[Conv2D(5, 3, Activation.ReLU)]
[GlobalMaxPooling2D]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class GlobalMaxCnn;

/// <summary>Global average pooling of a same-padded tanh convolution, odd sizes.</summary>
[Input(6, 5, 3)]
[Conv2D(4, 3, Activation.Tanh, Padding = Padding.Same)]
[GlobalAveragePooling2D]
[Dense(2, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class GlobalAverageCnn;

/// <summary>Global max pooling of the raw (H, W, C) input, 17 channels (a register and a tail), then a GELU dense layer.</summary>
[Input(3, 5, 17)]
[GlobalMaxPooling2D]
[Dense(4, Activation.GELU)]
[Dense(3)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.05f)]
public partial class RawGlobalMaxNet;

/// <summary>Global average pooling of the raw (H, W, C) input.</summary>
[Input(4, 6, 3)]
[GlobalAveragePooling2D]
[Dense(5, Activation.Tanh)]
[Dense(2, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class RawGlobalAverageNet;

/// <summary>Global max pooling over the steps of a float sequence (19 features: V512, V256 and scalar columns).</summary>
[Input(6, 19)]
[GlobalMaxPooling1D]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class SequenceGlobalMaxNet;

/// <summary>Global average pooling over every state of an LSTM returning sequences.</summary>
[Input(5, 3)]
[LSTM(7, ReturnSequences = true)]
[GlobalAveragePooling1D]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class LstmGlobalAverageNet;

/// <summary>Global max pooling of token embeddings.</summary>
[Input(7)]
[Embedding(11, 9)]
[GlobalMaxPooling1D]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class EmbeddingGlobalMaxNet;
