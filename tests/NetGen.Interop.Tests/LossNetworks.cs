using NetGen;

namespace NetGen.Interop.Tests;

/// <summary>Mean absolute error (PyTorch's nn.L1Loss) on a linear output.</summary>
[Input(6)]
[Dense(8, Activation.Tanh)]
[Dense(3)]
[Loss(LossKind.MeanAbsoluteError)]
[Adam]
public partial class TorchMae;

/// <summary>Huber with δ = 0.4 (nn.HuberLoss(delta=0.4)): the errors fall on both sides of δ.</summary>
[Input(6)]
[Dense(8, Activation.ReLU)]
[Dense(3)]
[Loss(LossKind.Huber, Delta = 0.4f)]
[Adam]
public partial class TorchHuber;

/// <summary>Sparse categorical cross-entropy with label smoothing 0.1 (nn.CrossEntropyLoss(label_smoothing=0.1) on labels).</summary>
[Input(6)]
[Dense(8, Activation.Tanh)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy, LabelSmoothing = 0.1f)]
[Adam]
public partial class TorchSmoothSparse;

/// <summary>Categorical cross-entropy with label smoothing 0.2 on probability targets (nn.CrossEntropyLoss(label_smoothing=0.2)).</summary>
[Input(6)]
[Dense(8, Activation.ReLU)]
[Dense(5, Activation.Softmax)]
[Loss(LossKind.CategoricalCrossEntropy, LabelSmoothing = 0.2f)]
[Adam]
public partial class TorchSmoothCategorical;
