using NetGen;

namespace NetGen.Interop.Tests;

/// <summary>Batch normalization after a convolution (nn.BatchNorm2d) and after a dense layer (nn.BatchNorm1d); both fold at inference.</summary>
[Input(6, 5, 2)]
[Conv2D(3, 3, Padding = Padding.Same)]
[BatchNormalization]
[Activation(Activation.ReLU)]
[Flatten]
[Dense(8)]
[BatchNormalization(Momentum = 0.9f)]
[Activation(Activation.ReLU)]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class TorchBatchNormNet;
