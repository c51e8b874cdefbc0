using NetGen;

namespace NetGen.Samples.LanguageId;

/// <summary>The shapes the networks and the data pipeline share.</summary>
public static class LanguageIdShapes
{
    /// <summary>Characters per sample: the first 64 characters of a fortune (a shorter one is padded with id 0).</summary>
    public const int SequenceLength = 64;

    /// <summary>
    /// Ids the embedding knows: 0 (padding), 1 (any character outside the vocabulary) and the 126 characters most
    /// frequent in the training split (the corpus has about 170 distinct ones; the 126 most frequent cover all but about
    /// 3 in 100,000 of its characters).
    /// </summary>
    public const int VocabularySize = 128;

    /// <summary>Length of each character's learned vector.</summary>
    public const int EmbeddingDimension = 32;

    /// <summary>Hidden units of the recurrent layer.</summary>
    public const int RecurrentUnits = 64;

    /// <summary>Filters of the convolution of <c>--model cnn</c>.</summary>
    public const int ConvolutionFilters = 128;

    /// <summary>Characters each filter of <c>--model cnn</c> sees at once.</summary>
    public const int ConvolutionWidth = 5;

    /// <summary>Classes: English, German, Spanish, Italian, Portuguese.</summary>
    public const int Languages = 5;
}

/// <summary>
/// The default network (<c>--model gru</c>): characters → 32-dimensional embeddings → GRU(64) → softmax over the five
/// languages. Padding (id 0) is masked: the GRU skips it, so its last state is the state after the last character.
/// </summary>
/// <remarks>
/// Keras:
/// <code>
/// model = keras.Sequential([
///     keras.Input(shape=(64,)),
///     keras.layers.Embedding(128, 32, mask_zero=True),
///     keras.layers.GRU(64),
///     keras.layers.Dense(5, activation="softmax"),
/// ])
/// model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy")
/// </code>
/// The same network in PyTorch is <c>bench/peers/torch_langid.py</c>.
/// </remarks>
[Input(LanguageIdShapes.SequenceLength)]
[Embedding(LanguageIdShapes.VocabularySize, LanguageIdShapes.EmbeddingDimension, MaskZero = true)]
[GRU(LanguageIdShapes.RecurrentUnits)]
[Dense(LanguageIdShapes.Languages, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class LanguageGru;

/// <summary>
/// <c>--model lstm</c>: as <see cref="LanguageGru"/> with an LSTM(64) (Keras: <c>keras.layers.LSTM(64)</c>) in place
/// of the GRU.
/// </summary>
[Input(LanguageIdShapes.SequenceLength)]
[Embedding(LanguageIdShapes.VocabularySize, LanguageIdShapes.EmbeddingDimension, MaskZero = true)]
[LSTM(LanguageIdShapes.RecurrentUnits)]
[Dense(LanguageIdShapes.Languages, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class LanguageLstm;

/// <summary>
/// <c>--model cnn</c>: characters → 32-dimensional embeddings → Conv1D(128 filters of 5 characters, ReLU, same padding)
/// → the maximum of each filter over the text → softmax over the five languages. Each filter learns a character
/// 5-gram; the maximum says whether (and how strongly) the text contains it anywhere. No mask: padding (id 0) is a
/// character like the others, which the filters learn to ignore.
/// </summary>
/// <remarks>
/// Keras:
/// <code>
/// model = keras.Sequential([
///     keras.Input(shape=(64,)),
///     keras.layers.Embedding(128, 32),
///     keras.layers.Conv1D(128, 5, activation="relu", padding="same"),
///     keras.layers.GlobalMaxPooling1D(),
///     keras.layers.Dense(5, activation="softmax"),
/// ])
/// </code>
/// </remarks>
[Input(LanguageIdShapes.SequenceLength)]
[Embedding(LanguageIdShapes.VocabularySize, LanguageIdShapes.EmbeddingDimension)]
[Conv1D(LanguageIdShapes.ConvolutionFilters, LanguageIdShapes.ConvolutionWidth, Activation.ReLU, Padding = Padding.Same)]
[GlobalMaxPooling1D]
[Dense(LanguageIdShapes.Languages, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class LanguageCnn;
