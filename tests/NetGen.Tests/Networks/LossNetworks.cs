using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>Mean absolute error on a linear output.</summary>
[Input(4)]
[Dense(9, Activation.Tanh)]
[Dense(3)]
[Loss(LossKind.MeanAbsoluteError)]
[Adam]
public partial class MaeNet;

/// <summary>Mean absolute error through a sigmoid output (the gradient goes back through the activation).</summary>
[Input(5)]
[Dense(8, Activation.ReLU)]
[Dense(4, Activation.Sigmoid)]
[Loss(LossKind.MeanAbsoluteError)]
[Sgd(LearningRate = 0.05f)]
public partial class MaeSigmoidNet;

/// <summary>Huber with δ = 0.5 through tanh: tanh outputs against targets in [-1, 1] fall on both sides of δ.</summary>
[Input(4)]
[Dense(10, Activation.ReLU)]
[Dense(3, Activation.Tanh)]
[Loss(LossKind.Huber, Delta = 0.5f)]
[Adam]
public partial class HuberNet;

/// <summary>Huber with the default δ = 1 on a linear output.</summary>
[Input(3)]
[Dense(12, Activation.GELU)]
[Dense(2)]
[Loss(LossKind.Huber)]
[Sgd(LearningRate = 0.01f, Momentum = 0.9f)]
public partial class HuberLinearNet;

/// <summary>Sparse categorical cross-entropy with label smoothing 0.1 over 10 classes (the in-register softmax path).</summary>
[Input(6)]
[Dense(11, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy, LabelSmoothing = 0.1f)]
[Adam]
public partial class SmoothSparseNet;

/// <summary>Sparse categorical cross-entropy with label smoothing 0.3 over 5 classes (the element-by-element path).</summary>
[Input(7)]
[Dense(6, Activation.Tanh)]
[Dense(5, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy, LabelSmoothing = 0.3f)]
[Adam]
public partial class SmoothSparseOddNet;

/// <summary>Categorical cross-entropy with label smoothing 0.2.</summary>
[Input(5)]
[Dense(7, Activation.Tanh)]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.CategoricalCrossEntropy, LabelSmoothing = 0.2f)]
[Sgd(LearningRate = 0.1f)]
public partial class SmoothCategoricalNet;
