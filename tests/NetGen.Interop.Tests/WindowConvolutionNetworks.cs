using NetGen;

namespace NetGen.Interop.Tests;

/// <summary>A convolution without bias (nn.Conv2d(bias=False)) on an (H, W, C) input, before a dense layer.</summary>
[Input(9, 8, 3)]
[Conv2D(4, 3, Activation.ReLU, UseBias = false, Padding = Padding.Same)]
[Flatten]
[Dense(3)]
[Loss(LossKind.MeanSquaredError)]
[Sgd]
public partial class TorchNoBiasConv;

/// <summary>A rectangular convolution dilated differently per axis, then one strided differently per axis, both Same (odd padding after).</summary>
[Input(11, 13, 2)]
[Conv2D(3, 3, 5, Activation.Tanh, DilationHeight = 2, DilationWidth = 3, Padding = Padding.Same)]
[Conv2D(2, 2, 3, StrideHeight = 2, StrideWidth = 3, Padding = Padding.Same)]
[Flatten]
[Dense(4)]
[Loss(LossKind.MeanSquaredError)]
[Sgd]
public partial class TorchDilatedRectangularConv;

/// <summary>Depthwise convolutions (nn.Conv2d(groups=channels)): a depth multiplier, a strided rectangular one without bias, a dilated one.</summary>
[Input(10, 9, 3)]
[DepthwiseConv2D(3, Activation.ReLU, DepthMultiplier = 2, Padding = Padding.Same)]
[DepthwiseConv2D(3, 2, Stride = 2, UseBias = false)]
[DepthwiseConv2D(3, Activation.Sigmoid, DilationRate = 2, Padding = Padding.Same)]
[Flatten]
[Dense(3)]
[Loss(LossKind.MeanSquaredError)]
[Sgd]
public partial class TorchDepthwise;
