using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>GELU on the first (indexed, Adam-fused) layer, SiLU on a hidden one, softmax output.</summary>
[Input(37)]
[Dense(33, Activation.GELU)]
[Dense(19, Activation.SiLU)]
[Dense(7, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class GeluSiluNet;

/// <summary>GELU's tanh approximation, and exact GELU on the output layer trained with mean squared error.</summary>
[Input(4)]
[Dense(21, Activation.GELUTanh)]
[Dense(5, Activation.GELU)]
[Loss(LossKind.MeanSquaredError)]
[Adam]
public partial class MseGeluNet;

/// <summary>SiLU on the output layer of a regression, after GELU (tanh).</summary>
[Input(6)]
[Dense(12, Activation.GELUTanh)]
[Dense(3, Activation.SiLU)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.05f)]
public partial class MseSiluNet;

/// <summary>Standalone activation layers after dense layers: derivatives from the input (GELU, SiLU) and from the output (sigmoid).</summary>
[Input(7)]
[Dense(16)]
[Activation(Activation.GELU)]
[Dense(12)]
[Activation(Activation.Sigmoid)]
[Dense(10)]
[Activation(Activation.SiLU)]
[Dense(5, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class DenseActivationLayers;

/// <summary>Standalone GELU (tanh), tanh and ReLU layers, and a linear one (a copy), in a regression.</summary>
[Input(6)]
[Dense(8)]
[Activation(Activation.GELUTanh)]
[Dense(7)]
[Activation(Activation.Tanh)]
[Activation(Activation.Linear)]
[Dense(6)]
[Activation(Activation.ReLU)]
[Dense(3)]
[Loss(LossKind.MeanSquaredError)]
[Adam]
public partial class MseActivationLayers;

/// <summary>GELU and SiLU on convolutions (valid and same padding), max pooling after GELU.</summary>
[Input(7, 9, 2)]
[Conv2D(3, 3, Activation.GELU)]
[MaxPool2D(2)]
[Conv2D(4, 2, Activation.SiLU, Padding = Padding.Same)]
[Flatten]
[Dense(5, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class GeluConvNet;

/// <summary>GELU (tanh) on a strided convolution, and a LeNet-sized SiLU convolution (the wide kernel paths).</summary>
[Input(28, 28, 1)]
[Conv2D(6, 5, Activation.SiLU, Padding = Padding.Same)]
[AvgPool2D(2)]
[Conv2D(4, 3, Activation.GELUTanh, Stride = 2)]
[Flatten]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class WideSiluConvNet;

/// <summary>
/// Activation layers on images (H, W, C) and vectors: on the raw input (nothing before it to backpropagate into), after
/// strided and valid convolutions without activation, after a flatten.
/// </summary>
[Input(8, 6, 3)]
[Activation(Activation.GELUTanh)]
[Conv2D(4, 3, Stride = 2, Padding = Padding.Same)]
[Activation(Activation.GELU)]
[Conv2D(3, 2)]
[Activation(Activation.Tanh)]
[Flatten]
[Activation(Activation.SiLU)]
[Dense(3)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.05f)]
public partial class ConvActivationLayers;
