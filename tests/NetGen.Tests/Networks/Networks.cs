using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>The seed network: Keras's Fashion-MNIST MLP.</summary>
[Input(784)]
[Dense(64, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class FashionMlp;

/// <summary>Odd widths everywhere so every kernel runs its tails; sparse CE.</summary>
[Input(37)]
[Dense(33, Activation.ReLU)]
[Dense(19, Activation.Tanh)]
[Dense(7, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class OddSparse;

/// <summary>Categorical cross-entropy with one-hot/probability targets, sigmoid hidden layer.</summary>
[Input(5)]
[Dense(17, Activation.Sigmoid)]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.CategoricalCrossEntropy)]
[Sgd(LearningRate = 0.1f, Momentum = 0.9f)]
public partial class CategoricalNet;

/// <summary>Binary cross-entropy on several sigmoid outputs (multi-label).</summary>
#pragma warning disable NG0103 // deliberately a hidden layer without activation, to test the Linear kernels
[Input(6)]
[Dense(9, Activation.Linear)]
[Dense(3, Activation.Sigmoid)]
[Loss(LossKind.BinaryCrossEntropy)]
[Sgd(LearningRate = 0.05f)]
public partial class MultiLabelNet;
#pragma warning restore NG0103

/// <summary>XOR: 2-8 tanh-1 sigmoid, binary cross-entropy with 0/1 labels.</summary>
[Input(2)]
[Dense(8, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
[Loss(LossKind.BinaryCrossEntropy)]
[Adam(LearningRate = 0.05f)]
public partial class XorNet;

/// <summary>Regression with a linear output and MSE.</summary>
[Input(3)]
[Dense(16, Activation.ReLU)]
[Dense(2)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.01f)]
public partial class RegressionNet;

/// <summary>MSE through a ReLU output.</summary>
[Input(4)]
[Dense(21, Activation.Tanh)]
[Dense(18, Activation.ReLU)]
[Loss(LossKind.MeanSquaredError)]
[Adam]
public partial class MseReluNet;

/// <summary>MSE through a sigmoid output.</summary>
[Input(4)]
[Dense(8, Activation.ReLU)]
[Dense(3, Activation.Sigmoid)]
[Loss(LossKind.MeanSquaredError)]
[Adam]
public partial class MseSigmoidNet;

/// <summary>MSE through a tanh output.</summary>
[Input(4)]
[Dense(8, Activation.Sigmoid)]
[Dense(3, Activation.Tanh)]
[Loss(LossKind.MeanSquaredError)]
[Adam]
public partial class MseTanhNet;

/// <summary>MSE through a softmax output (softmax's full Jacobian in backward).</summary>
#pragma warning disable NG0102 // deliberately MSE through softmax, to test its backward pass
[Input(4)]
[Dense(8, Activation.Tanh)]
[Dense(5, Activation.Softmax)]
[Loss(LossKind.MeanSquaredError)]
[Adam]
public partial class MseSoftmaxNet;
#pragma warning restore NG0102

/// <summary>A single layer (no hidden layer, no input gradient).</summary>
[Input(20)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Sgd(LearningRate = 0.5f)]
public partial class SoftmaxRegression;

/// <summary>Two-class problem (concentric rings) with a softmax output.</summary>
[Input(2)]
[Dense(32, Activation.ReLU)]
[Dense(32, Activation.ReLU)]
[Dense(2, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class RingsNet;
