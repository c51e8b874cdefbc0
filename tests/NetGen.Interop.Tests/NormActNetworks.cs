using NetGen;

namespace NetGen.Interop.Tests;

/// <summary>Every activation on a dense layer of one small regression: ReLU, sigmoid, tanh, GELU (exact and tanh), SiLU, LeakyReLU with PyTorch's slope, ELU with α 0.5.</summary>
[Input(6)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.Sigmoid)]
[Dense(8, Activation.Tanh)]
[Dense(8, Activation.GELU)]
[Dense(8, Activation.GELUTanh)]
[Dense(8, Activation.SiLU)]
[Dense(8, Activation.LeakyReLU, Alpha = 0.01f)]
[Dense(8, Activation.ELU, Alpha = 0.5f)]
[Dense(3)]
[Loss(LossKind.MeanSquaredError)]
[Adam]
public partial class TorchActivationZoo;

/// <summary>Standalone activation layers, LeakyReLU and ELU with Keras's defaults (0.3 and 1.0) among them.</summary>
#pragma warning disable NG0103 // the activations are layers of their own here
[Input(6)]
[Dense(10)]
[Activation(Activation.LeakyReLU)]
[Dense(10)]
[Activation(Activation.ELU)]
[Dense(10)]
[Activation(Activation.GELU)]
[Dense(10)]
[Activation(Activation.SiLU)]
[Dense(3)]
[Loss(LossKind.MeanSquaredError)]
[Adam]
public partial class TorchActivationLayers;
#pragma warning restore NG0103

/// <summary>nn.LayerNorm with PyTorch's ε over a sequence's steps, with Keras's ε after a dense layer, and one without γ and β.</summary>
[Input(5, 7)]
[LayerNormalization(Epsilon = 1e-5f)]
[Flatten]
[Dense(9, Activation.GELU)]
[LayerNormalization]
[Dense(12, Activation.LeakyReLU)]
[LayerNormalization(Center = false, Scale = false)]
[Dense(3)]
[Loss(LossKind.MeanSquaredError)]
[Adam]
public partial class TorchLayerNorm;
