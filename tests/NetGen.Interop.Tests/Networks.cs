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
