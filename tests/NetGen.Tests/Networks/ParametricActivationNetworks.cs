using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>LeakyReLU (Keras's default slope 0.3) on the first (indexed, Adam-fused) layer, ELU with α 0.5 on a hidden one.</summary>
[Input(13)]
[Dense(11, Activation.LeakyReLU)]
[Dense(9, Activation.ELU, Alpha = 0.5f)]
[Dense(5, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class LeakyEluNet;

/// <summary>ELU (default α 1) hidden, and LeakyReLU with PyTorch's slope 0.01 on the output of a regression (the loss applies its derivative).</summary>
[Input(5)]
[Dense(10, Activation.ELU)]
[Dense(3, Activation.LeakyReLU, Alpha = 0.01f)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.05f)]
public partial class MseLeakyNet;

/// <summary>Standalone LeakyReLU (α 0.2) and ELU (α 1.5) layers, and ELU on a regression's output.</summary>
[Input(6)]
[Dense(9)]
[Activation(Activation.LeakyReLU, Alpha = 0.2f)]
[Dense(7)]
[Activation(Activation.ELU, Alpha = 1.5f)]
[Dense(3, Activation.ELU)]
[Loss(LossKind.MeanSquaredError)]
[Adam]
public partial class ParametricActivationLayers;

/// <summary>LeakyReLU (α 0.1) and ELU on convolutions, max pooling after LeakyReLU (its derivative through the pooling's backward), an ELU layer on an image.</summary>
[Input(7, 9, 2)]
[Conv2D(3, 3, Activation.LeakyReLU, Alpha = 0.1f)]
[MaxPool2D(2)]
[Conv2D(4, 2, Activation.ELU, Padding = Padding.Same)]
[Activation(Activation.ELU, Alpha = 0.7f)]
[Flatten]
[Dense(5, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class LeakyConvNet;

/// <summary>LeNet-sized ELU and LeakyReLU convolutions (the wide kernel paths: sample lanes in training).</summary>
[Input(28, 28, 1)]
[Conv2D(6, 5, Activation.ELU, Alpha = 0.8f, Padding = Padding.Same)]
[AvgPool2D(2)]
[Conv2D(4, 3, Activation.LeakyReLU, Stride = 2)]
[Flatten]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class WideEluConvNet;

/// <summary><see cref="LeakyEluNet"/> with another LeakyReLU slope: its model files are not LeakyEluNet's.</summary>
[Input(13)]
[Dense(11, Activation.LeakyReLU, Alpha = 0.2f)]
[Dense(9, Activation.ELU, Alpha = 0.5f)]
[Dense(5, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class SlopeTwoNet;
