using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>Rectangular kernels, dilation on both axes and on one (the padded grid), no bias; an (H, W, C) input with two channels.</summary>
[Input(9, 11, 2)]
[Conv2D(3, 2, 3, Activation.ReLU, DilationRate = 2, Padding = Padding.Same)]
[Conv2D(2, 3, 1, Activation.Tanh, DilationHeight = 2, UseBias = false)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class DilatedRectangularCnn;

/// <summary>
/// Per-axis strides (rows only: vector columns; columns only), a stride-3 even kernel whose same padding puts the odd
/// column at the right, no bias; regression.
/// </summary>
[Input(10, 13, 1)]
[Conv2D(3, 3, 2, Activation.Sigmoid, StrideHeight = 2, Padding = Padding.Same)]
[Conv2D(2, 2, 3, Activation.ReLU, StrideWidth = 2, UseBias = false)]
[Conv2D(2, 4, Activation.Tanh, Stride = 3, Padding = Padding.Same)]
[Flatten]
[Dense(2)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.05f)]
public partial class PerAxisStrideCnn;

/// <summary>Depthwise: on the (H, W, C) input, with a depth multiplier, strided without bias, dilated; then a dense head.</summary>
[Input(9, 10, 3)]
[DepthwiseConv2D(3, Activation.ReLU, Padding = Padding.Same)]
[DepthwiseConv2D(2, 3, Activation.Tanh, DepthMultiplier = 2, Stride = 2, Padding = Padding.Same, UseBias = false)]
[DepthwiseConv2D(3, DilationRate = 2, Padding = Padding.Same)]
[Flatten]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class DepthwiseCnn;

/// <summary>Rows wide enough for the column loops of every register width (70 and 64 columns), GELU on a depthwise layer, a column-dilated convolution.</summary>
[Input(6, 70, 2)]
[DepthwiseConv2D(3, Activation.GELU, DepthMultiplier = 2, Padding = Padding.Same)]
[Conv2D(2, 3, 3, DilationWidth = 3)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class WideDepthwiseCnn;

/// <summary>A depthwise-separable block as MobileNet writes it: depthwise 3×3 without bias, then a pointwise 1×1 convolution.</summary>
[Input(28, 28, 1)]
[Conv2D(8, 3, Activation.ReLU, Stride = 2, Padding = Padding.Same)]
[DepthwiseConv2D(3, Activation.ReLU, Padding = Padding.Same, UseBias = false)]
[Conv2D(16, 1, Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class SeparableCnn;
