using NetGen;

namespace NetGen.Samples;

/// <summary>
/// A small residual CNN with batch normalization for Fashion-MNIST (<c>--model resnet</c>): a 3×3 stem of 24 channels and
/// 2×2 max pooling (14×14), a residual block of two 3×3 convolutions at 24 channels, 2×2 max pooling (7×7), a block of
/// two 3×3 convolutions to 48 channels with a 1×1 projection shortcut, then global average pooling and a softmax layer:
/// 3.78 M multiply-adds per image (one epoch's training ≤ 1.36 TFLOP). Downsampling is by pooling, not by stride-2
/// convolutions: NetGen's strided convolution path is far slower than its stride-1 paths (see docs/benchmarks.md).
/// </summary>
/// <remarks>
/// Every convolution is followed by batch normalization, which inference folds into it. Keras:
/// <code>
/// def conv_bn(x, filters, kernel, strides=1):
///     x = layers.Conv2D(filters, kernel, strides=strides, padding="same")(x)
///     return layers.BatchNormalization()(x)
/// inputs = keras.Input(shape=(28, 28, 1))
/// s1 = layers.MaxPooling2D(2)(layers.Activation("relu")(conv_bn(inputs, 24, 3)))
/// b1 = conv_bn(layers.Activation("relu")(conv_bn(s1, 24, 3)), 24, 3)
/// d2 = layers.MaxPooling2D(2)(layers.Activation("relu")(layers.Add()([s1, b1])))
/// b2 = conv_bn(layers.Activation("relu")(conv_bn(d2, 48, 3)), 48, 3)
/// p2 = conv_bn(d2, 48, 1)
/// x = layers.GlobalAveragePooling2D()(layers.Activation("relu")(layers.Add()([p2, b2])))
/// model = keras.Model(inputs, layers.Dense(10, activation="softmax")(x))
/// model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
/// </code>
/// The same network in PyTorch is <c>bench/peers/torch_resnet.py</c>.
/// </remarks>
[Input(28, 28, 1)]
[Conv2D(24, 3, Padding = Padding.Same)]                         // stem                         → 28×28×24
[BatchNormalization]
[Activation(Activation.ReLU)]
[MaxPool2D(2, Name = "s1")]                                     //                              → 14×14×24
[Conv2D(24, 3, Padding = Padding.Same)]                         // block 1
[BatchNormalization]
[Activation(Activation.ReLU)]
[Conv2D(24, 3, Padding = Padding.Same)]
[BatchNormalization(Name = "b1")]
[Add("s1", "b1")]                                               // identity shortcut
[Activation(Activation.ReLU)]
[MaxPool2D(2, Name = "d2")]                                     // downsampling                  → 7×7×24
[Conv2D(48, 3, Padding = Padding.Same)]                         // block 2                       → 7×7×48
[BatchNormalization]
[Activation(Activation.ReLU)]
[Conv2D(48, 3, Padding = Padding.Same)]
[BatchNormalization(Name = "b2")]
[Conv2D(48, 1, Input = "d2")]                                   // 1×1 projection shortcut
[BatchNormalization(Name = "p2")]
[Add("p2", "b2")]
[Activation(Activation.ReLU)]
[GlobalAveragePooling2D]                                        //                              → 48
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class FashionResNet;
