using NetGen;

namespace NetGen.Samples;

/// <summary>
/// An LSTM that reads each Fashion-MNIST image row by row (<c>--model lstm</c>): 28 steps of 28 pixels, the state
/// after the last row classified by a softmax layer. The 784 floats of an image in row-major order are already this
/// layout, [28, 28] (steps, features): nothing is copied.
/// </summary>
/// <remarks>
/// Keras:
/// <code>
/// model = keras.Sequential([
///     keras.Input(shape=(28, 28)),
///     keras.layers.LSTM(128),
///     keras.layers.Dense(10, activation="softmax"),
/// ])
/// model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
///               loss="sparse_categorical_crossentropy", metrics=["accuracy"])
/// </code>
/// The same network in PyTorch is <c>bench/peers/torch_rnn.py --model lstm</c>.
/// </remarks>
[Input(28, 28)]                                // keras.Input(shape=(28, 28)): 28 rows (steps) of 28 pixels
[LSTM(128)]                                    // LSTM(128): the state after the last row
[Dense(10, Activation.Softmax)]                // Dense(10, activation="softmax")
[Loss(LossKind.SparseCategoricalCrossEntropy)] // loss="sparse_categorical_crossentropy"
[Adam(LearningRate = 1e-3f)]                   // optimizer=keras.optimizers.Adam(learning_rate=1e-3)
public partial class FashionLstm;

/// <summary>
/// <c>--model gru</c>: as <see cref="FashionLstm"/> with a GRU(128) (Keras's defaults, <c>reset_after=True</c>) in place
/// of the LSTM.
/// </summary>
/// <remarks>The same network in PyTorch is <c>bench/peers/torch_rnn.py --model gru</c>.</remarks>
[Input(28, 28)]                                // keras.Input(shape=(28, 28))
[GRU(128)]                                     // GRU(128)
[Dense(10, Activation.Softmax)]                // Dense(10, activation="softmax")
[Loss(LossKind.SparseCategoricalCrossEntropy)] // loss="sparse_categorical_crossentropy"
[Adam(LearningRate = 1e-3f)]                   // optimizer=keras.optimizers.Adam(learning_rate=1e-3)
public partial class FashionGru;
