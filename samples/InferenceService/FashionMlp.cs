using NetGen;

namespace NetGen.Samples.InferenceService;

/// <summary>
/// The seed network, declared exactly as in <c>samples/FashionMnist</c>: a model file stores the architecture text
/// (<see cref="Architecture"/>, which includes the loss and the optimizer) and loads only into a network whose text
/// is the same, so this declaration must match the one the file was saved from.
/// </summary>
[Input(784)]
[Dense(64, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class FashionMlp;
