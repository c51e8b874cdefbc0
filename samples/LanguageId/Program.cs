using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NetGen.Serialization;
using NetGen.Training;

namespace NetGen.Samples.LanguageId;

/// <summary>
/// Character-level language identification with a recurrent network. Run it with
/// <c>dotnet run -c Release --project samples/LanguageId [-- options]</c>; <c>--help</c> lists the options.
/// </summary>
public static class Program
{
    /// <summary>Exit code of a successful run.</summary>
    public const int ExitSuccess = 0;

    /// <summary>Exit code when a file cannot be read or written, a model file is damaged or from another network, or training diverges.</summary>
    public const int ExitFailure = 1;

    /// <summary>Exit code for a bad command line, or when the fortune packages are not installed.</summary>
    public const int ExitUsage = 2;

    /// <summary>The entry point.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the sample with <paramref name="output"/> and <paramref name="error"/> as standard output and error. Returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        if (!LanguageIdOptions.TryParse(args, out LanguageIdOptions? options, out string? problem))
        {
            error.WriteLine($"error: {problem}");
            error.WriteLine("Run with --help for the options.");
            return ExitUsage;
        }
        if (options.Help)
        {
            output.WriteLine(LanguageIdOptions.Usage);
            return ExitSuccess;
        }

        LanguageData data;
        try
        {
            LanguageIdJob.CheckFiles(options);
            data = LanguageIdJob.LoadData(options);
        }
        catch (Exception e) when (e is LanguageIdUsageException or CorpusNotFoundException)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitUsage;
        }
        catch (ModelFormatException e)
        {
            error.WriteLine($"error: --load: {e.Message}");
            return ExitFailure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: could not read a file: {e.Message}");
            return ExitFailure;
        }

        CultureInfo inv = CultureInfo.InvariantCulture;
        output.WriteLine("NetGen · language identification (English, German, Spanish, Italian, Portuguese) from the first " +
                         string.Create(inv, $"{LanguageIdShapes.SequenceLength} characters of Debian's fortunes"));
        output.Write(DataTable(data));

        if (options.ExportDirectory is { } directory)
        {
            try
            {
                foreach (string path in LanguageIdJob.Export(data, options, directory)) output.WriteLine($"Wrote {path}");
                return ExitSuccess;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: --export {directory}: {e.Message}");
                return ExitFailure;
            }
        }

        ITrainableModel probe = LanguageIdJob.CreateModel(options.Model, 0);
        output.WriteLine($"Model: {probe.Architecture}");
        output.WriteLine(options.Trains
            ? string.Create(inv, $"       {probe.ParameterCount:N0} parameters; fit(epochs={options.Epochs}, batch_size={options.BatchSize}{(options.ValidationSplit > 0 ? $", validation_split={options.ValidationSplit}" : "")}), seed {options.Seed}, threads {options.Threads}")
            : string.Create(inv, $"       {probe.ParameterCount:N0} parameters; loaded from {options.LoadPath}, evaluated without training"));

        LanguageIdResult result;
        try
        {
            result = LanguageIdJob.Train(data, options, new SynchronousProgress<EpochResult>(e => output.WriteLine(e.ToString())));
        }
        catch (Exception e) when (e is TrainingDivergedException or ModelFormatException)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitFailure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: --save {options.SavePath}: {e.Message}");
            return ExitFailure;
        }

        output.WriteLine();
        output.WriteLine("evaluate(x_test, y_test):");
        output.Write(result.Evaluation.Render(FortuneCorpus.ClassNames));
        output.WriteLine(string.Create(inv, $"Test accuracy {result.TestAccuracy:F4}, macro F1 {result.MacroF1:F4}, loss {result.Evaluation.Loss:F4}"));
        if (options.SavePath is { } save) output.WriteLine($"Saved {Path.GetFullPath(save)}");
        foreach (TextPrediction p in result.Predictions)
        {
            string probabilities = string.Join(" ", FortuneCorpus.ClassNames.Select((name, i) => string.Create(inv, $"{name} {p.Probabilities[i]:F3}")));
            output.WriteLine($"{p.Language}  ({probabilities})  {p.Text}");
        }
        if (options.Json) output.WriteLine(JsonReport.From(result).ToJson());
        output.Flush();
        return ExitSuccess;
    }

    /// <summary>Where the texts come from and how many each language gives, per split.</summary>
    public static string DataTable(LanguageData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CultureInfo inv = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.Append(string.Create(inv, $"Data:  {data.Train.Count:N0} training and {data.Test.Count:N0} test texts, at most {data.PerLanguage:N0} per language (read, split and encoded in {data.LoadSeconds:F2}s)\n"));
        text.Append(string.Create(inv, $"       vocabulary: {data.Vocabulary.Size} ids from the training texts (0 padding, 1 unknown); {data.UnknownTestCharacters:N0} unknown characters in the test texts' first {LanguageIdShapes.SequenceLength}\n"));
        text.Append("       language      package      files  fortunes  repeated  ambiguous  distinct   used  train  test\n");
        foreach (LanguageCount c in data.Counts)
            text.Append(string.Create(inv,
                $"       {c.Code + " " + c.Name,-13} {c.Package,-11} {c.Files,6} {c.Fortunes,9} {c.Duplicates,9} {c.Ambiguous,10} {c.Available,9} {c.Used,6} {c.Train,6} {c.Test,5}\n"));
        int latin1 = data.Counts.Sum(c => c.Latin1Files);
        if (latin1 > 0) text.Append(string.Create(inv, $"       {latin1} file(s) were not valid UTF-8 and were read as Latin-1\n"));
        return text.ToString();
    }
}
