using NetGen;

namespace NetGen.Bench;

/// <summary>The seed network, as the sample declares it.</summary>
[Input(784)]
[Dense(64, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class FashionMlp;
