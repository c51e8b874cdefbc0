using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>Batch normalization (moving statistics: not trainable) under AdamW's decay of the 2-D weights only.</summary>
[Input(10)]
[Dense(8)]
[BatchNormalization]
[Activation(Activation.ReLU)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[AdamW(LearningRate = 0.01f, WeightDecay = 0.1f, WeightDecayApplies = WeightDecayScope.WeightsOnly)]
public partial class DecayedBatchNormNet;

/// <summary><see cref="DecayedBatchNormNet"/> without weight decay: the same initial parameters, the same first gradients.</summary>
[Input(10)]
[Dense(8)]
[BatchNormalization]
[Activation(Activation.ReLU)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[AdamW(LearningRate = 0.01f, WeightDecay = 0f)]
public partial class UndecayedBatchNormNet;

/// <summary>Every AdamW option: decoupled decay of the weights only, clipping by global norm.</summary>
[Input(784)]
[Dense(64, Activation.ReLU)]
[LayerNormalization]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[AdamW(LearningRate = 1e-3f, WeightDecay = 0.1f, WeightDecayApplies = WeightDecayScope.WeightsOnly, GlobalClipNorm = 1f)]
public partial class AllOptionsAdamW;

/// <summary>Every RMSprop option: centered, momentum, L2 decay of the weights only, clipping per tensor.</summary>
[Input(784)]
[Dense(64, Activation.ReLU)]
[LayerNormalization]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[RMSprop(LearningRate = 1e-3f, Momentum = 0.9f, Centered = true, WeightDecay = 0.01f, WeightDecayApplies = WeightDecayScope.WeightsOnly, ClipNorm = 1f)]
public partial class AllOptionsRMSprop;

/// <summary>Every SGD option: Nesterov momentum, L2 decay, clipping by value.</summary>
[Input(784)]
[Dense(64, Activation.ReLU)]
[LayerNormalization]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Sgd(LearningRate = 0.05f, Momentum = 0.9f, Nesterov = true, WeightDecay = 1e-4f, ClipValue = 0.5f)]
public partial class AllOptionsSgd;

/// <summary>Adam with L2 decay and clipping per tensor (the fused first-layer step is off).</summary>
[Input(784)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f, WeightDecay = 1e-4f, ClipNorm = 1f)]
public partial class AllOptionsAdam;
