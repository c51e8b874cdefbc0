using NetGen;

namespace NetGen.Interop.Tests;

// The optimizer checks against torch.optim: one small network (a 2-D kernel, biases, layer normalization's γ and β, so
// WeightsOnly and per-tensor norms have tensors to tell apart), one class per optimizer configuration.

[Input(12)]
[Dense(16, Activation.ReLU)]
[LayerNormalization]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[AdamW(LearningRate = 0.01f, WeightDecay = 0.05f)]
public partial class OptAdamW;

[Input(12)]
[Dense(16, Activation.ReLU)]
[LayerNormalization]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[AdamW(LearningRate = 0.01f, WeightDecay = 0.1f, WeightDecayApplies = WeightDecayScope.WeightsOnly, GlobalClipNorm = 0.5f)]
public partial class OptAdamWWeightsOnlyGlobalClip;

[Input(12)]
[Dense(16, Activation.ReLU)]
[LayerNormalization]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f, Epsilon = 1e-12f, WeightDecay = 0.01f, ClipNorm = 0.2f)]
public partial class OptAdamL2ClipNorm;

[Input(12)]
[Dense(16, Activation.ReLU)]
[LayerNormalization]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[RMSprop(LearningRate = 0.005f)]
public partial class OptRMSprop;

[Input(12)]
[Dense(16, Activation.ReLU)]
[LayerNormalization]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[RMSprop(LearningRate = 0.003f, Rho = 0.95f, Momentum = 0.8f, Centered = true, WeightDecay = 0.01f, ClipNorm = 0.3f)]
public partial class OptRMSpropCenteredMomentum;

[Input(12)]
[Dense(16, Activation.ReLU)]
[LayerNormalization]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[RMSprop(LearningRate = 0.002f, Rho = 0.99f, Momentum = 0.5f, Epsilon = 1e-8f, WeightDecay = 0.02f, WeightDecayApplies = WeightDecayScope.WeightsOnly, ClipValue = 0.05f)]
public partial class OptRMSpropMomentumClipValue;

[Input(12)]
[Dense(16, Activation.ReLU)]
[LayerNormalization]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Sgd(LearningRate = 0.05f, Momentum = 0.8f, Nesterov = true, WeightDecay = 0.001f, WeightDecayApplies = WeightDecayScope.WeightsOnly)]
public partial class OptSgdNesterov;

[Input(12)]
[Dense(16, Activation.ReLU)]
[LayerNormalization]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Sgd(LearningRate = 0.1f, Momentum = 0.5f, WeightDecay = 0.005f, ClipValue = 0.01f)]
public partial class OptSgdClipValue;

[Input(12)]
[Dense(16, Activation.ReLU)]
[LayerNormalization]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Sgd(LearningRate = 0.1f, WeightDecay = 0.01f, GlobalClipNorm = 0.1f)]
public partial class OptSgdGlobalClip;

/// <summary>Batch normalization's moving statistics (not trainable) under AdamW's decay and per-tensor clipping.</summary>
[Input(12)]
[Dense(16)]
[BatchNormalization]
[Activation(Activation.ReLU)]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[AdamW(LearningRate = 0.01f, WeightDecay = 0.1f, ClipNorm = 0.5f)]
public partial class OptAdamWBatchNorm;

/// <summary>The seed MLP with AdamW (PyTorch's default weight decay 0.01), for the whole-trajectory check.</summary>
[Input(784)]
[Dense(64, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[AdamW(LearningRate = 1e-3f)]
public partial class SeedMlpAdamW;

/// <summary>The seed MLP with SGD and momentum, for the whole-trajectory check.</summary>
[Input(784)]
[Dense(64, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Sgd(LearningRate = 0.05f, Momentum = 0.9f)]
public partial class SeedMlpSgdMomentum;
