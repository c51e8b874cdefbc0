using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>Convolution → batch normalization → ReLU: the normalization folds into the convolution at inference.</summary>
[Input(6, 5, 2)]
[Conv2D(3, 3, Padding = Padding.Same)]
[BatchNormalization]
[Activation(Activation.ReLU)]
[Flatten]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class ConvBatchNormNet;

/// <summary>Dense with tanh → batch normalization (cannot fold: tanh is between), PyTorch's momentum and ε; a dense → BN that folds.</summary>
[Input(7)]
[Dense(5, Activation.Tanh)]
[BatchNormalization(Momentum = 0.9f, Epsilon = 1e-5f)]
[Dense(6)]
[BatchNormalization(Center = false)]
[Activation(Activation.SiLU)]
[Dense(3)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.05f)]
public partial class DenseBatchNormNet;

/// <summary>Batch normalization first, on the raw (H, W, C) input (channel-last, no gradient to pass on), without γ.</summary>
[Input(4, 5, 3)]
[BatchNormalization(Scale = false)]
[Conv2D(2, 3, Activation.ReLU)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class InputBatchNormNet;

/// <summary>A residual block: conv → BN → ReLU → conv → BN, added to the block's input (the second BN folds, the sum does not).</summary>
[Input(5, 5, 2)]
[Conv2D(2, 3, Padding = Padding.Same, Name = "stem")]
[Conv2D(2, 3, Padding = Padding.Same)]
[BatchNormalization]
[Activation(Activation.ReLU)]
[Conv2D(2, 3, Padding = Padding.Same)]
[BatchNormalization(Name = "branch")]
[Add("stem", "branch")]
[Activation(Activation.ReLU)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class ResidualBatchNormNet;
