using NetGen;

namespace NetGen.Bench;

/// <summary>The seed network, as the sample declares it.</summary>
[Input(784)]
[Dense(64, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class FashionMlp;

/// <summary>LeNet-5 as the CNN issue states it: Conv 6@5×5 same, pool, Conv 16@5×5, pool, Dense 120, 84, 10.</summary>
[Input(28, 28, 1)]
[Conv2D(6, 5, Activation.ReLU, Padding = Padding.Same)]
[MaxPool2D(2)]
[Conv2D(16, 5, Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(120, Activation.ReLU)]
[Dense(84, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class LeNet5;

/// <summary>Pooling cost probe: LeNet's first pooling layer alone (6 channels of 28×28), with a small dense head.</summary>
[Input(28, 28, 6)]
[MaxPool2D(2)]
[Flatten]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class PoolProbe;

/// <summary>Convolution cost probe: LeNet's second convolution alone.</summary>
[Input(14, 14, 6)]
[Conv2D(16, 5, Activation.ReLU)]
[Flatten]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class Conv2Probe;

/// <summary>Convolution cost probe: LeNet's first convolution alone.</summary>
[Input(28, 28, 1)]
[Conv2D(6, 5, Activation.ReLU, Padding = Padding.Same)]
[Flatten]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class Conv1Probe;

/// <summary>Row-sequential Fashion-MNIST (28 steps of 28 pixels) through an LSTM, as issue 9 states it.</summary>
[Input(28, 28)]
[LSTM(128)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class FashionLstm;

/// <summary>The same with a GRU.</summary>
[Input(28, 28)]
[GRU(128)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class FashionGru;
