using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using NetGen.Data;
using NetGen.Evaluation;
using NetGen.Serialization;
using NetGen.Training;

namespace NetGen.Samples.LanguageId;

/// <summary>What one language contributed to a run.</summary>
/// <param name="Code">The language code, the class name.</param>
/// <param name="Name">The language's English name.</param>
/// <param name="Package">The Debian package.</param>
/// <param name="Files">Fortune files read.</param>
/// <param name="Latin1Files">Files that were not valid UTF-8 and were read as Latin-1.</param>
/// <param name="Fortunes">Fortunes read (cleaned, non-empty).</param>
/// <param name="Duplicates">Repeated texts dropped.</param>
/// <param name="Ambiguous">Texts dropped because another language's package has them too.</param>
/// <param name="Available">Distinct texts left (<paramref name="Fortunes"/> − <paramref name="Duplicates"/> − <paramref name="Ambiguous"/>).</param>
/// <param name="Used">Texts sampled for the run (all of them, or <c>--per-language</c>).</param>
/// <param name="Train">Of those, in the training split.</param>
/// <param name="Test">Of those, in the test split.</param>
public sealed record LanguageCount(string Code, string Name, string Package, int Files, int Latin1Files, int Fortunes, int Duplicates, int Ambiguous,
    int Available, int Used, int Train, int Test);

/// <summary>The data of a run: the texts, split and encoded.</summary>
/// <param name="Counts">Per language, in class order.</param>
/// <param name="PerLanguage">The most texts sampled per language (a language that has fewer gives all it has).</param>
/// <param name="Vocabulary">The character vocabulary, built from the training split.</param>
/// <param name="TrainTexts">The training split's texts (cleaned fortunes), in the order of <paramref name="Train"/>.</param>
/// <param name="TestTexts">The test split's texts, in the order of <paramref name="Test"/>.</param>
/// <param name="Train">The training split: the first <see cref="LanguageIdShapes.SequenceLength"/> characters of each text as ids, padded with 0.</param>
/// <param name="Test">The test split, encoded the same way.</param>
/// <param name="LoadSeconds">Time to read, clean, split and encode.</param>
public sealed record LanguageData(IReadOnlyList<LanguageCount> Counts, int PerLanguage, CharacterVocabulary Vocabulary,
    IReadOnlyList<string> TrainTexts, IReadOnlyList<string> TestTexts, Dataset Train, Dataset Test, double LoadSeconds)
{
    /// <summary>How many characters of the test split's first <see cref="LanguageIdShapes.SequenceLength"/> are outside the vocabulary (encoded as 1).</summary>
    public int UnknownTestCharacters => Test.Features.Count(id => id == CharacterVocabulary.UnknownId);
}

/// <summary>The language the model gives a text (<c>--text</c>).</summary>
/// <param name="Text">The text as given.</param>
/// <param name="Language">The most probable language's code.</param>
/// <param name="Probabilities">The softmax output, one probability per language in class order.</param>
public sealed record TextPrediction(string Text, string Language, IReadOnlyList<float> Probabilities);

/// <summary>What a run produced.</summary>
public sealed record LanguageIdResult(
    LanguageData Data,
    LanguageIdOptions Options,
    ITrainableModel Model,
    TrainingHistory History,
    EvaluationResult Evaluation,
    IReadOnlyList<TextPrediction> Predictions)
{
    /// <summary>The test split's confusion matrix.</summary>
    public ConfusionMatrix ConfusionMatrix => Evaluation.ConfusionMatrix!;

    /// <summary>The test accuracy.</summary>
    public double TestAccuracy => Evaluation.Accuracy ?? 0;

    /// <summary>The unweighted mean of the five languages' F1 scores on the test split (the bar: 0.95).</summary>
    public double MacroF1 => ConfusionMatrix.MacroF1;
}

/// <summary>A file named on the command line that cannot be used (exit code 2).</summary>
public sealed class LanguageIdUsageException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// The sample's pipeline, which the program and the tests share: <see cref="LoadData"/> (read the fortune packages,
/// balance the languages, split, build the vocabulary, encode), then <see cref="Train"/> (fit, evaluate, classify the
/// <c>--text</c>s); <see cref="Export"/> writes the encoded data for the PyTorch peer.
/// </summary>
public static class LanguageIdJob
{
    /// <summary>The file names <see cref="Export"/> writes.</summary>
    public const string ExportTrainFile = "train.txt", ExportTestFile = "test.txt", ExportMetadataFile = "metadata.json";

    /// <summary>
    /// Reads the corpus (<see cref="FortuneCorpus.Load"/>), samples at most <see cref="LanguageIdOptions.PerLanguage"/>
    /// texts per language (with <see cref="LanguageIdOptions.Balanced"/>, the smallest language's count), splits each language into
    /// training and test texts (stratified, <see cref="DataSplits"/>), builds the character vocabulary from the
    /// training texts and encodes both splits as <see cref="LanguageIdShapes.SequenceLength"/> ids per text.
    /// </summary>
    /// <exception cref="CorpusNotFoundException">A fortune package is not installed.</exception>
    public static LanguageData LoadData(LanguageIdOptions options, string dpkgInfoDirectory = FortuneCorpus.DpkgInfoDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        long started = Stopwatch.GetTimestamp();
        IReadOnlyList<LanguageTexts> corpus = FortuneCorpus.Load(dpkgInfoDirectory);
        return Prepare(corpus, options) with { LoadSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds };
    }

    /// <summary>
    /// The steps of <see cref="LoadData"/> after reading: sample, split, build the vocabulary, encode (the tests give it
    /// a corpus of their own). <see cref="LanguageData.LoadSeconds"/> is the time these steps took.
    /// </summary>
    /// <exception cref="ArgumentException">A language has fewer than 2 texts (one is needed in each split).</exception>
    public static LanguageData Prepare(IReadOnlyList<LanguageTexts> corpus, LanguageIdOptions options)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(options);
        long started = Stopwatch.GetTimestamp();
        foreach (LanguageTexts language in corpus)
            if (language.Texts.Count < 2)
                throw new ArgumentException($"{language.Language.Name} has {language.Texts.Count} texts; each language needs at least 2 (one to train on, one to test).", nameof(corpus));

        // At most PerLanguage texts from each language (a seeded sample of a larger one); --balanced: as many from each
        // as the smallest has.
        int perLanguage = options.Balanced ? corpus.Min(l => l.Texts.Count) : options.PerLanguage;
        var texts = new List<string>();
        var labels = new List<int>();
        var used = new int[corpus.Count];
        for (int l = 0; l < corpus.Count; l++)
        {
            IReadOnlyList<string> all = corpus[l].Texts;
            int[] chosen = all.Count <= perLanguage
                ? Enumerable.Range(0, all.Count).ToArray()
                : DataSplits.Permutation(all.Count, options.SplitSeed).AsSpan(0, perLanguage).ToArray();
            Array.Sort(chosen);
            foreach (int i in chosen)
            {
                texts.Add(all[i]);
                labels.Add(l);
            }
            used[l] = chosen.Length;
        }

        // Stratified split of the sampled texts: every language keeps its share in both splits. The runtime splits
        // datasets, so the split is made on a dataset of text indices.
        var indexData = new Dataset(Enumerable.Range(0, texts.Count).Select(i => (float)i).ToArray(), [1], labels.ToArray());
        (int[] trainIndices, _, int[] testIndices) = DataSplits.SplitIndices(indexData, 0, options.TestFraction, options.SplitSeed, stratify: true);
        string[] trainTexts = trainIndices.Select(i => texts[i]).ToArray();
        string[] testTexts = testIndices.Select(i => texts[i]).ToArray();
        int[] trainLabels = trainIndices.Select(i => labels[i]).ToArray();
        int[] testLabels = testIndices.Select(i => labels[i]).ToArray();

        // The vocabulary comes from the training texts only: characters that only test texts have are unknown (id 1),
        // as they would be in new text.
        IReadOnlyList<string> classNames = FortuneCorpus.ClassNames.Take(corpus.Count).ToArray();
        var vocabulary = CharacterVocabulary.Build(trainTexts, LanguageIdShapes.VocabularySize);
        Dataset train = vocabulary.ToDataset(trainTexts, trainLabels, LanguageIdShapes.SequenceLength, classNames);
        Dataset test = vocabulary.ToDataset(testTexts, testLabels, LanguageIdShapes.SequenceLength, classNames);

        int[] trainCounts = train.CountPerClass(), testCounts = test.CountPerClass();
        var counts = new List<LanguageCount>(corpus.Count);
        for (int l = 0; l < corpus.Count; l++)
        {
            LanguageTexts c = corpus[l];
            counts.Add(new LanguageCount(c.Language.Code, c.Language.Name, c.Language.Package, c.Files.Count, c.Latin1Files, c.Fortunes,
                c.Duplicates, c.Ambiguous, c.Texts.Count, used[l], At(trainCounts, l), At(testCounts, l)));
        }
        return new LanguageData(counts, perLanguage, vocabulary, trainTexts, testTexts, train, test, Stopwatch.GetElapsedTime(started).TotalSeconds);

        static int At(int[] counts, int i) => i < counts.Length ? counts[i] : 0;
    }

    /// <summary>A new model of the kind <paramref name="kind"/>, initialized from <paramref name="seed"/> as Keras does.</summary>
    public static ITrainableModel CreateModel(LanguageModelKind kind, int seed) => kind switch
    {
        LanguageModelKind.Gru => new LanguageGru(seed),
        LanguageModelKind.Lstm => new LanguageLstm(seed),
        LanguageModelKind.Cnn => new LanguageCnn(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown model."),
    };

    /// <summary>The <c>--model</c> value of <paramref name="kind"/>.</summary>
    public static string NameOf(LanguageModelKind kind) => kind switch
    {
        LanguageModelKind.Lstm => "lstm",
        LanguageModelKind.Cnn => "cnn",
        _ => "gru",
    };

    /// <summary>
    /// Checks the files the options name before any data is read: <c>--load</c> exists and holds a model of this
    /// network (read into a scratch model), the folders of <c>--save</c> and <c>--export</c> exist.
    /// </summary>
    /// <exception cref="LanguageIdUsageException">A file or folder is missing (exit code 2).</exception>
    /// <exception cref="ModelFormatException">The <c>--load</c> file is damaged or from another network (exit code 1).</exception>
    public static void CheckFiles(LanguageIdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.LoadPath is { } load)
        {
            if (!File.Exists(load))
                throw new LanguageIdUsageException(Directory.Exists(load) ? $"--load {load}: that is a directory; name a file." : $"--load {load}: there is no such file ({Path.GetFullPath(load)}).");
            ModelFile.Load(CreateModel(options.Model, 0), load);
        }
        if (options.SavePath is { } save)
        {
            if (Directory.Exists(save)) throw new LanguageIdUsageException($"--save {save}: that is a directory; name a file.");
            string? folder = Path.GetDirectoryName(Path.GetFullPath(save));
            if (folder is not null && !Directory.Exists(folder)) throw new LanguageIdUsageException($"--save {save}: the folder {folder} does not exist.");
        }
        if (options.ExportDirectory is { } export && File.Exists(export))
            throw new LanguageIdUsageException($"--export {export}: that is a file; name a directory (it is created when missing).");
    }

    /// <summary>
    /// Builds the network (or loads <c>--load</c>), trains it on the training split (Keras's <c>fit</c>: shuffled every
    /// epoch, Adam 1e-3), saves it (<c>--save</c>), evaluates it on the test split and classifies the <c>--text</c>s.
    /// The same options and data give the same result, bit for bit.
    /// </summary>
    public static LanguageIdResult Train(LanguageData data, LanguageIdOptions options, IProgress<EpochResult>? epochProgress = null, IProgress<BatchProgress>? batchProgress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ITrainableModel model = CreateModel(options.Model, options.Seed);
        if (options.LoadPath is { } load) ModelFile.Load(model, load);

        TrainingHistory history;
        if (options.Trains)
        {
            IGradientTrainer trainer = model.CreateTrainer(options.BatchSize, options.Threads);
            try
            {
                history = trainer.Fit(data.Train, new FitOptions
                {
                    Epochs = options.Epochs,
                    BatchSize = options.BatchSize,
                    Seed = options.Seed,
                    ValidationFraction = options.ValidationSplit,
                    EpochProgress = epochProgress,
                    BatchProgress = batchProgress,
                });
            }
            finally
            {
                (trainer as IDisposable)?.Dispose();
            }
        }
        else
        {
            history = new TrainingHistory([], 0, 0, monitor: null, stoppedEarly: false, bestEpoch: null, bestValue: null, restoredBestWeights: false);
        }

        if (options.SavePath is { } save) ModelFile.Save(model, save);
        EvaluationResult evaluation = Evaluator.Evaluate(model, data.Test);
        IReadOnlyList<TextPrediction> predictions = options.Texts.Select(t => Classify(model, data.Vocabulary, t)).ToArray();
        return new LanguageIdResult(data, options, model, history, evaluation, predictions);
    }

    /// <summary>The language <paramref name="model"/> gives <paramref name="text"/> (its first <see cref="LanguageIdShapes.SequenceLength"/> characters).</summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> has an unpaired surrogate.</exception>
    public static TextPrediction Classify(IModel model, CharacterVocabulary vocabulary, string text)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(text);
        var input = new float[LanguageIdShapes.SequenceLength];
        vocabulary.Encode(FortuneFile.Clean(text), input);
        var output = new float[model.OutputSize];
        model.Predict(input, output);
        int best = 0;
        for (int i = 1; i < output.Length; i++) if (output[i] > output[best]) best = i;
        return new TextPrediction(text, FortuneCorpus.ClassNames[best], output);
    }

    /// <summary>
    /// Writes the encoded split for <c>bench/peers/torch_langid.py</c> into <paramref name="directory"/> (created when
    /// missing): <c>train.txt</c> and <c>test.txt</c>, one sample per line, the label then the
    /// <see cref="LanguageIdShapes.SequenceLength"/> ids, separated by spaces; and <c>metadata.json</c> with the class
    /// names, the shapes, the vocabulary's characters (id 2 first) and the per-language counts.
    /// </summary>
    /// <returns>The paths written.</returns>
    public static IReadOnlyList<string> Export(LanguageData data, LanguageIdOptions options, string directory)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        string train = Path.GetFullPath(Path.Combine(directory, ExportTrainFile));
        string test = Path.GetFullPath(Path.Combine(directory, ExportTestFile));
        string metadata = Path.GetFullPath(Path.Combine(directory, ExportMetadataFile));
        WriteSamples(train, data.Train);
        WriteSamples(test, data.Test);

        var meta = new ExportMetadata(
            FortuneCorpus.ClassNames, LanguageIdShapes.SequenceLength, LanguageIdShapes.VocabularySize, LanguageIdShapes.EmbeddingDimension,
            LanguageIdShapes.RecurrentUnits, data.Vocabulary.Size, data.Vocabulary.Characters.Select(r => r.ToString()).ToArray(),
            options.SplitSeed, options.TestFraction, data.PerLanguage, data.Train.Count, data.Test.Count, data.Counts);
        File.WriteAllText(metadata, JsonSerializer.Serialize(meta, LanguageIdJsonContext.Default.ExportMetadata) + "\n", new UTF8Encoding(false));
        return [train, test, metadata];

        static void WriteSamples(string path, Dataset data)
        {
            using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
            var line = new StringBuilder();
            for (int i = 0; i < data.Count; i++)
            {
                line.Clear().Append(data.Labels![i].ToString(CultureInfo.InvariantCulture));
                foreach (float id in data.GetFeatures(i)) line.Append(' ').Append(((int)id).ToString(CultureInfo.InvariantCulture));
                writer.Write(line.Append('\n'));
            }
        }
    }
}
