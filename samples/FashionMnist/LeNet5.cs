using NetGen;

namespace NetGen.Samples;

/// <summary>
/// LeNet-5 for Fashion-MNIST (<c>--model lenet</c>): two convolutions with max pooling, then three dense layers. The
/// images go in as they are, [28, 28, 1] (height, width, channels), instead of flattened to 784 floats.
/// </summary>
/// <remarks>
/// Keras:
/// <code>
/// model = keras.Sequential([
///     keras.Input(shape=(28, 28, 1)),
///     keras.layers.Conv2D(6, 5, activation="relu", padding="same"),
///     keras.layers.MaxPooling2D(2),
///     keras.layers.Conv2D(16, 5, activation="relu"),
///     keras.layers.MaxPooling2D(2),
///     keras.layers.Flatten(),
///     keras.layers.Dense(120, activation="relu"),
///     keras.layers.Dense(84, activation="relu"),
///     keras.layers.Dense(10, activation="softmax"),
/// ])
/// model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
///               loss="sparse_categorical_crossentropy", metrics=["accuracy"])
/// </code>
/// The same network in PyTorch is <c>bench/peers/torch_lenet.py</c>.
/// </remarks>
[Input(28, 28, 1)]                                     // keras.Input(shape=(28, 28, 1))
[Conv2D(6, 5, Activation.ReLU, Padding = Padding.Same)] // Conv2D(6, 5, activation="relu", padding="same") → 28×28×6
[MaxPool2D(2)]                                         // MaxPooling2D(2)                                → 14×14×6
[Conv2D(16, 5, Activation.ReLU)]                       // Conv2D(16, 5, activation="relu")               → 10×10×16
[MaxPool2D(2)]                                         // MaxPooling2D(2)                                → 5×5×16
[Flatten]                                              // Flatten()                                      → 400
[Dense(120, Activation.ReLU)]                          // Dense(120, activation="relu")
[Dense(84, Activation.ReLU)]                           // Dense(84, activation="relu")
[Dense(10, Activation.Softmax)]                        // Dense(10, activation="softmax")
[Loss(LossKind.SparseCategoricalCrossEntropy)]         // loss="sparse_categorical_crossentropy"
[Adam(LearningRate = 1e-3f)]                           // optimizer=keras.optimizers.Adam(learning_rate=1e-3)
public partial class LeNet5;
