using NetGen;

namespace NetGen.Samples;

/// <summary>
/// The seed network: Keras's Fashion-MNIST MLP. The attributes are the whole model; the NetGen generator turns them
/// into this class's other half at compile time (see obj/**/generated after a build with
/// <c>-p:EmitCompilerGeneratedFiles=true</c>).
/// </summary>
/// <remarks>
/// Keras:
/// <code>
/// model = keras.Sequential([
///     keras.Input(shape=(784,)),
///     keras.layers.Dense(64, activation="relu"),
///     keras.layers.Dense(64, activation="relu"),
///     keras.layers.Dense(10, activation="softmax"),
/// ])
/// model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
///               loss="sparse_categorical_crossentropy", metrics=["accuracy"])
/// </code>
/// </remarks>
[Input(784)]                                   // keras.Input(shape=(784,))
[Dense(64, Activation.ReLU)]                   // Dense(64, activation="relu")
[Dense(64, Activation.ReLU)]                   // Dense(64, activation="relu")
[Dense(10, Activation.Softmax)]                // Dense(10, activation="softmax")
[Loss(LossKind.SparseCategoricalCrossEntropy)] // loss="sparse_categorical_crossentropy"
[Adam(LearningRate = 1e-3f)]                   // optimizer=keras.optimizers.Adam(learning_rate=1e-3)
public partial class FashionMlp;
