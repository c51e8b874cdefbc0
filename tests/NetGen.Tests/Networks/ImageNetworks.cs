using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>Non-square, two channels (H, W, C input), valid and same padding, max and average pooling.</summary>
[Input(7, 9, 2)]
[Conv2D(3, 3, Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(4, 2, Activation.Tanh, Padding = Padding.Same)]
[AvgPool2D(2, Padding = Padding.Same)]
[Flatten]
[Dense(5, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class SmallCnn;

/// <summary>Stride 2 with same padding (odd input), sigmoid, regression.</summary>
[Input(11, 8, 1)]
[Conv2D(2, 3, Activation.Sigmoid, Stride = 2, Padding = Padding.Same)]
[Conv2D(3, 2, Activation.ReLU)]
[Flatten]
[Dense(3)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.05f)]
public partial class StridedCnn;

/// <summary>LeNet-like with widths that exercise the V512, V256 and scalar columns together (output rows of 28).</summary>
[Input(28, 28, 1)]
[Conv2D(6, 5, Activation.ReLU, Padding = Padding.Same)]
[MaxPool2D(2)]
[Conv2D(16, 5, Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(32, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class MiniLeNet;

/// <summary>
/// Vectorized 2×2 pooling on rows wider than a register: 18 and 9 windows per row (a last register overlapping the one
/// before it), a last input row and column that no window covers, tanh (not fused) before a max pool and ReLU (fused)
/// before an average pool.
/// </summary>
[Input(9, 37, 2)]
[Conv2D(3, 3, Activation.Tanh, Padding = Padding.Same)]
[MaxPool2D(2)]
[Conv2D(2, 3, Activation.ReLU, Padding = Padding.Same)]
[AvgPool2D(2)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class WidePoolCnn;

/// <summary>Pooling as the first layer, on a 3-channel (H, W, C) input, overlapping windows, then a convolution.</summary>
[Input(6, 6, 3)]
[MaxPool2D(2, Stride = 1)]
[Conv2D(2, 3, Activation.ReLU, Padding = Padding.Same)]
[AvgPool2D(3, Stride = 2)]
[Flatten]
[Dense(2, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Sgd(LearningRate = 0.1f, Momentum = 0.9f)]
public partial class PoolFirstCnn;

/// <summary>Dropout between dense layers and after a convolution.</summary>
[Input(8, 8, 1)]
[Conv2D(3, 3, Activation.ReLU)]
[Dropout(0.25f)]
[Flatten]
[Dense(16, Activation.ReLU)]
[Dropout(0.5f)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class DropoutNet;
