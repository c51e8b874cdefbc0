using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>Layer normalization of 16 values after ReLU and of 9 after GELU (PyTorch's ε), softmax output.</summary>
[Input(13)]
[Dense(16, Activation.ReLU)]
[LayerNormalization]
[Dense(9, Activation.GELU)]
[LayerNormalization(Epsilon = 1e-5f)]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class LayerNormMlp;

/// <summary>Layer normalization of the network's input (nothing before it to backpropagate into), and one without β, in a regression.</summary>
[Input(7)]
[LayerNormalization]
[Dense(5, Activation.Tanh)]
[LayerNormalization(Center = false)]
[Dense(3)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.05f)]
public partial class LayerNormFirst;

/// <summary>Widths past a register (37 = 2·16 + 5, 40 = 2·16 + 8), one without γ, and one with neither γ nor β.</summary>
[Input(20)]
[Dense(37, Activation.ELU)]
[LayerNormalization(Scale = false)]
[Dense(40)]
[LayerNormalization]
[Dense(11, Activation.LeakyReLU)]
[LayerNormalization(Center = false, Scale = false)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class WideLayerNorm;

/// <summary>Each step of a sequence (5 steps of 21 features) normalized by itself.</summary>
[Input(5, 21)]
[LayerNormalization]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class SequenceLayerNorm;

/// <summary>Layer normalization around a recurrent layer: of the input steps, and of every step's state.</summary>
[Input(6, 11)]
[LayerNormalization]
[LSTM(8, ReturnSequences = true)]
[LayerNormalization(Epsilon = 1e-5f)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class RecurrentLayerNorm;

/// <summary><see cref="LayerNormMlp"/> with Keras's ε on the second normalization: its model files are not LayerNormMlp's.</summary>
[Input(13)]
[Dense(16, Activation.ReLU)]
[LayerNormalization]
[Dense(9, Activation.GELU)]
[LayerNormalization]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class LayerNormMlpKerasEpsilon;
