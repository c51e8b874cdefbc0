using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetGen.Data;
using NetGen.Samples.LanguageId;
using LanguageIdProgram = NetGen.Samples.LanguageId.Program;

namespace NetGen.Samples.Tests;

/// <summary>
/// A fact that needs Debian's fortune packages (the corpus of samples/LanguageId); reported as skipped, with the reason,
/// when one is not installed (xunit 2 has no dynamic skip). CI installs them (.ci/run).
/// </summary>
public sealed class RequiresFortunesFactAttribute : FactAttribute
{
    public RequiresFortunesFactAttribute()
    {
        IReadOnlyList<string> missing = FortuneCorpus.MissingPackages();
        if (missing.Count > 0) Skip = $"Fortune packages not installed ({string.Join(", ", missing)}): {FortuneCorpus.InstallCommand}";
    }
}

/// <summary>
/// A fact that needs the fortune packages and takes a minute or more: it runs only when <c>NETGEN_SLOW_TESTS</c> is
/// <c>1</c>, and is reported as skipped, with the reason, otherwise.
/// </summary>
public sealed class RequiresFortunesSlowFactAttribute : FactAttribute
{
    public RequiresFortunesSlowFactAttribute()
    {
        IReadOnlyList<string> missing = FortuneCorpus.MissingPackages();
        if (missing.Count > 0) Skip = $"Fortune packages not installed ({string.Join(", ", missing)}): {FortuneCorpus.InstallCommand}";
        else if (Environment.GetEnvironmentVariable(RequiresSlowTestsFactAttribute.Variable) != "1") Skip = RequiresSlowTestsFactAttribute.SkipReason;
    }
}

/// <summary>samples/LanguageId: the corpus, the pipeline and the program.</summary>
public sealed class LanguageIdTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static (int ExitCode, string[] Lines, string Error) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = LanguageIdProgram.Run(args, stdout, stderr);
        return (code, stdout.ToString().TrimEnd('\n').Split('\n'), stderr.ToString());
    }

    /// <summary>A made-up corpus: <paramref name="sizes"/>[l] distinct texts for language l.</summary>
    private static IReadOnlyList<LanguageTexts> Corpus(params int[] sizes)
        => sizes.Select((n, l) => new LanguageTexts(FortuneCorpus.Languages[l], [$"/made/up/{l}"], 0, n, 0, 0,
            Enumerable.Range(0, n).Select(i => $"{FortuneCorpus.Languages[l].Code} text {i} {new string((char)('a' + l), 1 + i % 5)}").ToArray())).ToArray();

    [Fact]
    public void Prepare_BalancesTheLanguages_SplitsEachOne_AndBuildsTheVocabularyFromTheTrainingTexts()
    {
        LanguageData data = LanguageIdJob.Prepare(Corpus(50, 20, 30, 40, 25), new LanguageIdOptions { Balanced = true });

        Assert.Equal(20, data.PerLanguage);
        Assert.All(data.Counts, c => Assert.Equal((20, 16, 4), (c.Used, c.Train, c.Test)));
        Assert.Equal(new[] { 50, 20, 30, 40, 25 }, data.Counts.Select(c => c.Available));
        Assert.Equal(80, data.Train.Count);
        Assert.Equal(20, data.Test.Count);
        Assert.Equal(new[] { LanguageIdShapes.SequenceLength }, data.Train.SampleShape.ToArray());
        Assert.Equal(FortuneCorpus.ClassNames, data.Train.ClassNames);
        Assert.Empty(data.TrainTexts.Intersect(data.TestTexts));

        // Each sample is its text's first characters, then padding; the labels follow the texts.
        for (int i = 0; i < data.Train.Count; i++)
        {
            string text = data.TrainTexts[i];
            Assert.StartsWith(FortuneCorpus.ClassNames[data.Train.Labels![i]] + " text ", text);
            Assert.Equal(text, data.Vocabulary.Decode(data.Train.GetFeatures(i)));
        }
        Assert.True(data.Vocabulary.Size <= LanguageIdShapes.VocabularySize);

        // --per-language caps each language, the smaller ones keep what they have.
        LanguageData capped = LanguageIdJob.Prepare(Corpus(50, 20, 30, 40, 25), new LanguageIdOptions { PerLanguage = 30 });
        Assert.Equal(new[] { 30, 20, 30, 30, 25 }, capped.Counts.Select(c => c.Used));
    }

    [Fact]
    public void Prepare_TheSplitSeedChoosesTheSplit_TheTrainingSeedDoesNot()
    {
        var corpus = Corpus(40, 40, 40, 40, 50);
        LanguageData a = LanguageIdJob.Prepare(corpus, new LanguageIdOptions { Seed = 1 });
        LanguageData b = LanguageIdJob.Prepare(corpus, new LanguageIdOptions { Seed = 2 });
        LanguageData c = LanguageIdJob.Prepare(corpus, new LanguageIdOptions { SplitSeed = 5 });

        Assert.Equal(a.TestTexts, b.TestTexts);
        Assert.Equal(a.Train.Features, b.Train.Features);
        Assert.NotEqual(a.TestTexts.Order(), c.TestTexts.Order());
    }

    [Fact]
    public void Prepare_RejectsALanguageWithTooFewTexts()
    {
        var e = Assert.Throws<ArgumentException>(() => LanguageIdJob.Prepare(Corpus(10, 1, 10, 10, 10), new LanguageIdOptions()));
        Assert.Contains("German has 1 texts", e.Message);
    }

    [Fact]
    public void Export_WritesTheEncodedSplitAndTheVocabulary()
    {
        LanguageData data = LanguageIdJob.Prepare(Corpus(30, 30, 30, 30, 30), new LanguageIdOptions());
        string dir = SampleRunner.TempDirectory();
        try
        {
            IReadOnlyList<string> written = LanguageIdJob.Export(data, new LanguageIdOptions(), dir);
            Assert.Equal(3, written.Count);

            string[] train = File.ReadAllLines(Path.Combine(dir, LanguageIdJob.ExportTrainFile));
            Assert.Equal(data.Train.Count, train.Length);
            for (int i = 0; i < train.Length; i++)
            {
                int[] fields = train[i].Split(' ').Select(int.Parse).ToArray();
                Assert.Equal(1 + LanguageIdShapes.SequenceLength, fields.Length);
                Assert.Equal(data.Train.Labels![i], fields[0]);
                Assert.Equal(data.Train.GetFeatures(i).ToArray(), fields[1..].Select(f => (float)f).ToArray());
            }
            Assert.Equal(data.Test.Count, File.ReadAllLines(Path.Combine(dir, LanguageIdJob.ExportTestFile)).Length);

            using JsonDocument meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, LanguageIdJob.ExportMetadataFile)));
            JsonElement root = meta.RootElement;
            Assert.Equal(FortuneCorpus.ClassNames, root.GetProperty("classes").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(LanguageIdShapes.VocabularySize, root.GetProperty("vocabulary_size").GetInt32());
            Assert.Equal(data.Vocabulary.Characters.Select(r => r.ToString()), root.GetProperty("characters").EnumerateArray().Select(e => e.GetString()));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "--model", "rnn" }, "--model needs gru, lstm or cnn")]
    [InlineData(new[] { "--per-language", "1" }, "--per-language needs a whole number from 2")]
    [InlineData(new[] { "--per-language", "100", "--balanced" }, "--per-language and --balanced")]
    [InlineData(new[] { "--test-fraction", "1" }, "--test-fraction needs a fraction strictly between 0 and 1")]
    [InlineData(new[] { "--text" }, "--text needs a value")]
    [InlineData(new[] { "--text", " " }, "--text needs a text")]
    [InlineData(new[] { "--export", "x", "--save", "y" }, "--export writes the data and stops")]
    [InlineData(new[] { "--frobnicate" }, "Unknown option '--frobnicate'")]
    [InlineData(new[] { "some text" }, "after --text")]
    public void BadCommandLines_ExitWithTwoAndSayWhy(string[] args, string message)
    {
        var run = Run(args);
        Assert.Equal(LanguageIdProgram.ExitUsage, run.ExitCode);
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public void FilesThatCannotBeUsed_AreUsageErrors_BeforeAnyDataIsRead()
    {
        string dir = SampleRunner.TempDirectory();
        try
        {
            string file = Path.Combine(dir, "a-file");
            File.WriteAllText(file, "x");

            var export = Run("--export", file);
            Assert.Equal(LanguageIdProgram.ExitUsage, export.ExitCode);
            Assert.Contains("that is a file; name a directory", export.Error);

            var load = Run("--load", Path.Combine(dir, "missing.ngmf"));
            Assert.Equal(LanguageIdProgram.ExitUsage, load.ExitCode);
            Assert.Contains("there is no such file", load.Error);

            var save = Run("--save", Path.Combine(dir, "no-such-folder", "m.ngmf"));
            Assert.Equal(LanguageIdProgram.ExitUsage, save.ExitCode);
            Assert.Contains("does not exist", save.Error);

            var damaged = Run("--load", file);
            Assert.Equal(LanguageIdProgram.ExitFailure, damaged.ExitCode);
            Assert.StartsWith("error: --load: ", damaged.Error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Options_TakeTextsThatStartWithADash()
    {
        Assert.True(LanguageIdOptions.TryParse(["--text", "-- quoted", "--text=zwei", "--model", "lstm"], out LanguageIdOptions? options, out _));
        Assert.Equal(new[] { "-- quoted", "zwei" }, options.Texts);
        Assert.Equal(LanguageModelKind.Lstm, options.Model);
    }

    [Fact]
    public void Help_PrintsTheUsage()
    {
        var run = Run("--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--per-language N", string.Join('\n', run.Lines));
    }

    [RequiresFortunesFact]
    public void Corpus_ReadsEachPackagesOwnFiles_WithoutSymlinksIndexesOrExcludedFiles()
    {
        foreach (FortuneLanguage language in FortuneCorpus.Languages)
        {
            (IReadOnlyList<string> files, IReadOnlyList<ExcludedFile> excluded) = FortuneCorpus.FilesOf(language);
            Assert.NotEmpty(files);
            Assert.All(files, f =>
            {
                Assert.False(f.EndsWith(".dat", StringComparison.Ordinal), f);
                Assert.Null(new FileInfo(f).LinkTarget);
                Assert.DoesNotContain("/off/", f);
            });
            output.WriteLine($"{language.Code}: {files.Count} files, excluded {string.Join(", ", excluded.Select(e => e.Path))}");
        }

        // The packages share /usr/share/games/fortunes: Portuguese is fortunes-br's one file there, and English has
        // neither it nor fortunes-it's links to the Italian files.
        Assert.Equal(new[] { "/usr/share/games/fortunes/brasil" }, FortuneCorpus.FilesOf(FortuneCorpus.Languages[4]).Files);
        IReadOnlyList<string> english = FortuneCorpus.FilesOf(FortuneCorpus.Languages[0]).Files;
        Assert.DoesNotContain("/usr/share/games/fortunes/brasil", english);
        Assert.DoesNotContain("/usr/share/games/fortunes/italia", english);
        Assert.DoesNotContain("/usr/share/games/fortunes/ascii-art", english);
        Assert.All(FortuneCorpus.FilesOf(FortuneCorpus.Languages[3]).Files, f => Assert.StartsWith("/usr/share/games/fortunes/it/", f));
    }

    [RequiresFortunesFact]
    public void Corpus_HasThousandsOfDistinctTextsPerLanguage()
    {
        IReadOnlyList<LanguageTexts> corpus = FortuneCorpus.Load();
        Assert.Equal(FortuneCorpus.Languages, corpus.Select(c => c.Language));
        foreach (LanguageTexts language in corpus)
        {
            output.WriteLine($"{language.Language.Code}: {language.Files.Count} files ({language.Latin1Files} Latin-1), {language.Fortunes} fortunes, " +
                             $"{language.Duplicates} repeated, {language.Ambiguous} ambiguous, {language.Texts.Count} distinct");
            Assert.True(language.Texts.Count >= 2_000, $"{language.Language.Name}: {language.Texts.Count} texts");
            Assert.Equal(language.Texts.Count, language.Texts.Distinct().Count());
            Assert.Equal(language.Fortunes - language.Duplicates - language.Ambiguous, language.Texts.Count);
            Assert.All(language.Texts, t => Assert.True(t.Length > 0 && t == t.Trim() && !t.Contains('\n') && !t.Contains('\b'), t));
        }
    }

    /// <summary>
    /// Two epochs of the GRU on 1,500 fortunes per language (1,200 to train on, 300 to test): it must tell the languages
    /// apart far better than chance (0.2). Measured (AVX-512, one thread, about 1.5 s): macro F1 0.709, 0.689 and 0.710
    /// with seeds 0, 1 and 2; the bar, 0.5, leaves room for other summation orders, and a network that does not learn
    /// stays near 0.2.
    /// </summary>
    [RequiresFortunesFact]
    public void Gru_TwoEpochsOnPartOfTheCorpus_LearnsWellAboveChance()
    {
        long started = Stopwatch.GetTimestamp();
        var run = Run("--per-language", "1500", "--epochs", "2", "--json", "--text", "Der Hund schläft unter dem Tisch, weil es draußen regnet.");
        TimeSpan took = Stopwatch.GetElapsedTime(started);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("", run.Error);

        using JsonDocument json = JsonDocument.Parse(run.Lines[^1]);
        JsonElement root = json.RootElement;
        Assert.Equal("gru", root.GetProperty("model").GetString());
        Assert.Equal(LanguageGru.ParameterCount, root.GetProperty("parameters").GetInt32());
        Assert.Equal(6_000, root.GetProperty("train_samples").GetInt32());
        Assert.Equal(1_500, root.GetProperty("test_samples").GetInt32());
        Assert.Equal(5, root.GetProperty("per_class").GetArrayLength());
        Assert.Equal(5, root.GetProperty("languages").GetArrayLength());
        JsonElement history = root.GetProperty("history");
        Assert.True(history[1].GetProperty("loss").GetDouble() < history[0].GetProperty("loss").GetDouble(), "the training loss went down");
        double macroF1 = root.GetProperty("macro_f1").GetDouble(), accuracy = root.GetProperty("test_accuracy").GetDouble();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accuracy {accuracy:F4}, macro F1 {macroF1:F4}, {took.TotalSeconds:F1}s"));
        Assert.True(macroF1 >= 0.5, string.Create(CultureInfo.InvariantCulture, $"macro F1 {macroF1:F4} after 2 epochs (chance 0.2)"));
        Assert.Single(root.GetProperty("predictions").EnumerateArray());
    }

    /// <summary>
    /// <c>--model cnn</c> (Embedding → Conv1D → GlobalMaxPooling1D → Dense) runs end to end with the same report, and
    /// two epochs on 1,500 fortunes per language learn far above chance (0.2).
    /// </summary>
    [RequiresFortunesFact]
    public void Cnn_TwoEpochsOnPartOfTheCorpus_LearnsWellAboveChance()
    {
        var run = Run("--model", "cnn", "--per-language", "1500", "--epochs", "2", "--json", "--text", "Der Hund schläft unter dem Tisch, weil es draußen regnet.");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("", run.Error);
        using JsonDocument json = JsonDocument.Parse(run.Lines[^1]);
        JsonElement root = json.RootElement;
        Assert.Equal("cnn", root.GetProperty("model").GetString());
        Assert.Equal(LanguageCnn.ParameterCount, root.GetProperty("parameters").GetInt32());
        Assert.Equal(6_000, root.GetProperty("train_samples").GetInt32());
        JsonElement history = root.GetProperty("history");
        Assert.True(history[1].GetProperty("loss").GetDouble() < history[0].GetProperty("loss").GetDouble(), "the training loss went down");
        double macroF1 = root.GetProperty("macro_f1").GetDouble();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"macro F1 {macroF1:F4}"));
        Assert.True(macroF1 >= 0.6, string.Create(CultureInfo.InvariantCulture, $"macro F1 {macroF1:F4} after 2 epochs (chance 0.2)"));
        Assert.Single(root.GetProperty("predictions").EnumerateArray());
    }

    /// <summary>
    /// The issue's bar for <c>--model cnn</c>: macro F1 of at least 0.95 on the held-out split with the sample's other
    /// defaults (at most 8,000 fortunes per language, 20 % held out, 10 epochs, batch 32, Adam 1e-3, seed 0, one thread),
    /// and every language's F1 at least 0.9. docs/sample-language-id.md has the figures and times.
    /// </summary>
    [RequiresFortunesSlowFact]
    public void Cnn_ReachesTheIssuesBar_MacroF1OfAtLeast095()
    {
        var options = new LanguageIdOptions { Model = LanguageModelKind.Cnn };
        LanguageIdResult result = LanguageIdJob.Train(LanguageIdJob.LoadData(options), options);
        output.WriteLine(result.Evaluation.Render(FortuneCorpus.ClassNames));
        Assert.IsType<LanguageCnn>(result.Model);
        Assert.True(result.MacroF1 >= 0.95, string.Create(CultureInfo.InvariantCulture, $"macro F1 {result.MacroF1:F4}, accuracy {result.TestAccuracy:F4}"));
        for (int c = 0; c < FortuneCorpus.Languages.Count; c++)
            Assert.True(result.ConfusionMatrix.F1(c) >= 0.9, $"{FortuneCorpus.Languages[c].Name}: F1 {result.ConfusionMatrix.F1(c):F4}");
    }

    /// <summary>
    /// The issue's bar: macro F1 of at least 0.95 on the held-out split, with the sample's defaults (GRU, at most 8,000
    /// fortunes per language, 20 % held out, 10 epochs, batch 32, Adam 1e-3, seed 0, one thread). Measured with seeds
    /// 0, 1 and 2: 0.9684, 0.9737 and 0.9734 (accuracy 0.9710, 0.9765, 0.9758); 10 epochs take 12–20 s here on one
    /// thread (AVX-512), minutes on the portable path, hence NETGEN_SLOW_TESTS=1.
    /// </summary>
    [RequiresFortunesSlowFact]
    public void Defaults_ReachTheIssuesBar_MacroF1OfAtLeast095()
    {
        var options = new LanguageIdOptions();
        LanguageIdResult result = LanguageIdJob.Train(LanguageIdJob.LoadData(options), options);

        output.WriteLine(result.Evaluation.Render(FortuneCorpus.ClassNames));
        Assert.Equal(10, result.History.Epochs.Count);
        Assert.Equal(6_900, result.Evaluation.Count);
        Assert.True(result.MacroF1 >= 0.95, string.Create(CultureInfo.InvariantCulture, $"macro F1 {result.MacroF1:F4}, accuracy {result.TestAccuracy:F4}"));
        for (int c = 0; c < FortuneCorpus.Languages.Count; c++)
            Assert.True(result.ConfusionMatrix.F1(c) >= 0.9, $"{FortuneCorpus.Languages[c].Name}: F1 {result.ConfusionMatrix.F1(c):F4}");
    }

    [RequiresFortunesFact]
    public void Lstm_SameSeed_SameRun_AndAModelFileRoundTrips()
    {
        string dir = SampleRunner.TempDirectory();
        try
        {
            var options = new LanguageIdOptions { Model = LanguageModelKind.Lstm, PerLanguage = 200, Epochs = 1, Seed = 3, SavePath = Path.Combine(dir, "lstm.ngmf") };
            LanguageData data = LanguageIdJob.LoadData(options);
            LanguageIdResult first = LanguageIdJob.Train(data, options);
            LanguageIdResult second = LanguageIdJob.Train(data, options with { SavePath = null });
            Assert.IsType<LanguageLstm>(first.Model);
            Assert.True(first.Model.Parameters.SequenceEqual(second.Model.Parameters), "the same seed trains the same weights");

            LanguageIdResult loaded = LanguageIdJob.Train(data, new LanguageIdOptions { Model = LanguageModelKind.Lstm, PerLanguage = 200, LoadPath = options.SavePath });
            Assert.Empty(loaded.History.Epochs);
            Assert.Equal(first.Evaluation.Loss, loaded.Evaluation.Loss);

            // A GRU cannot load the LSTM's file.
            var run = Run("--model", "gru", "--load", options.SavePath!);
            Assert.Equal(LanguageIdProgram.ExitFailure, run.ExitCode);
            Assert.Contains("different architecture", run.Error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Classify_NormalizesTheTextAsTheTrainingTextsWere()
    {
        // "é" written as e + combining accent, with a line break and a tab, is the same input as the clean text.
        var vocabulary = CharacterVocabulary.Build(["café olé"], LanguageIdShapes.VocabularySize);
        var model = new LanguageGru(0);
        TextPrediction clean = LanguageIdJob.Classify(model, vocabulary, "café olé");
        TextPrediction messy = LanguageIdJob.Classify(model, vocabulary, "cafe\u0301\n\tol\u00e9");
        Assert.Equal(clean.Probabilities, messy.Probabilities);
        Assert.Equal(5, clean.Probabilities.Count);
    }
}
