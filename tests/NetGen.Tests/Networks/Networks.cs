using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>The seed network: Keras's Fashion-MNIST MLP.</summary>
[Input(784)]
[Dense(64, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class FashionMlp;
