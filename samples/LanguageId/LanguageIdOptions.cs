using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NetGen.Samples.LanguageId;

/// <summary>The network (<c>--model</c>): which recurrent layer, or the convolution.</summary>
public enum LanguageModelKind
{
    /// <summary><c>--model gru</c>: <see cref="LanguageGru"/> (the default).</summary>
    Gru,

    /// <summary><c>--model lstm</c>: <see cref="LanguageLstm"/>.</summary>
    Lstm,

    /// <summary><c>--model cnn</c>: <see cref="LanguageCnn"/>, a 1-D convolution and global max pooling instead of a recurrent layer.</summary>
    Cnn,
}

/// <summary>The sample's command line.</summary>
public sealed record LanguageIdOptions
{
    private readonly int _epochs = 10;

    /// <summary><c>--model gru|lstm|cnn</c>. Default GRU.</summary>
    public LanguageModelKind Model { get; init; } = LanguageModelKind.Gru;

    /// <summary><c>--epochs N</c>: default 10. Setting it also sets <see cref="EpochsGiven"/> (a run from <c>--load</c> then trains).</summary>
    public int Epochs
    {
        get => _epochs;
        init
        {
            _epochs = value;
            EpochsGiven = true;
        }
    }

    /// <summary>True when <see cref="Epochs"/> was given rather than left at its default.</summary>
    public bool EpochsGiven { get; init; }

    /// <summary><c>--batch-size N</c>: default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary><c>--seed N</c>: the initial weights and the per-epoch shuffles. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary><c>--split-seed N</c>: which fortunes are sampled per language and which go to the test split. Default 0, so runs with different <see cref="Seed"/>s are tested on the same fortunes.</summary>
    public int SplitSeed { get; init; }

    /// <summary>
    /// <c>--per-language N</c>: at most N fortunes per language (a seeded random sample of a language that has more).
    /// Default 8,000: German's 18,571 distinct fortunes would otherwise outnumber Portuguese's 2,502 more than 7 to 1;
    /// capped, the largest languages have 3.2 times as many as Portuguese.
    /// </summary>
    public int PerLanguage { get; init; } = DefaultPerLanguage;

    /// <summary>The default of <see cref="PerLanguage"/>.</summary>
    public const int DefaultPerLanguage = 8_000;

    /// <summary><c>--balanced</c>: as many fortunes from every language as the smallest has (Portuguese: 2,502), instead of <see cref="PerLanguage"/>.</summary>
    public bool Balanced { get; init; }

    /// <summary><c>--test-fraction F</c>: the held-out share of each language, in (0, 1). Default 0.2.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary><c>--validation-split F</c>: Keras's <c>validation_split</c>, the last fraction F of the training split. Default 0 (none).</summary>
    public double ValidationSplit { get; init; }

    /// <summary><c>--threads N</c>: the trainer's workers; 1 (default) the calling thread, 0 every core.</summary>
    public int Threads { get; init; } = 1;

    /// <summary><c>--save PATH</c>: after training, save the model file.</summary>
    public string? SavePath { get; init; }

    /// <summary><c>--load PATH</c>: start from a model file; without <c>--epochs</c>, evaluate only.</summary>
    public string? LoadPath { get; init; }

    /// <summary><c>--export DIR</c>: write the encoded split and the vocabulary there (for <c>bench/peers/torch_langid.py</c>) and stop, without training.</summary>
    public string? ExportDirectory { get; init; }

    /// <summary><c>--text TEXT</c> (repeatable): after training, print the language the model gives each text.</summary>
    public IReadOnlyList<string> Texts { get; init; } = [];

    /// <summary><c>--json</c>: the last line printed is one JSON object with the results.</summary>
    public bool Json { get; init; }

    /// <summary><c>--help</c>/<c>-h</c>.</summary>
    public bool Help { get; init; }

    /// <summary>Whether the run trains: always, unless it starts from <c>--load</c> without <c>--epochs</c>.</summary>
    public bool Trains => EpochsGiven || LoadPath is null;

    /// <summary>The usage text.</summary>
    public const string Usage =
        """
        Usage: dotnet run -c Release --project samples/LanguageId -- [options]

        Tells English, German, Spanish, Italian and Portuguese apart from the first 64 characters
        of a text: Embedding(128, 32, mask_zero) -> GRU(64) (or LSTM(64)) -> Dense(5, softmax), or
        Embedding(128, 32) -> Conv1D(128, 5, relu, same) -> GlobalMaxPooling1D -> Dense(5, softmax),
        trained on Debian's fortune packages (apt-get install fortunes fortunes-de fortunes-es
        fortunes-it fortunes-br).

        Options:
          --model gru|lstm|cnn   the recurrent layer, or a convolution (default gru)
          --epochs N             epochs to train (default 10)
          --batch-size N         samples per optimizer step (default 32)
          --seed N               weight-initialization and shuffling seed (default 0)
          --split-seed N         seed of the per-language sample and the train/test split (default 0)
          --per-language N       at most N fortunes per language (default 8000)
          --balanced             as many fortunes per language as the smallest language has
          --test-fraction F      held-out share of each language, in (0, 1) (default 0.2)
          --validation-split F   hold out the last fraction F in [0, 1) of the training split
                                 for val_loss/val_accuracy (default 0: none)
          --threads N            training threads: 1 = one thread (default), 0 = every core
          --save PATH            after training, save the model file (NetGen's format)
          --load PATH            start from a model file saved by --save; evaluates only,
                                 unless --epochs is given
          --export DIR           write the encoded train/test split and the vocabulary to DIR
                                 (for bench/peers/torch_langid.py) and stop without training
          --text TEXT            after training, classify TEXT (repeatable)
          --json                 the last line printed is one JSON object
          -h, --help             show this help
        """;

    /// <summary>
    /// Parses <paramref name="args"/> (<c>--name value</c> or <c>--name=value</c>). Returns false with a message naming
    /// the offending argument when an option is unknown, lacks its value, has a malformed or out-of-range value, or
    /// contradicts another option.
    /// </summary>
    public static bool TryParse(IReadOnlyList<string> args, [NotNullWhen(true)] out LanguageIdOptions? options, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new LanguageIdOptions();
        var texts = new List<string>();
        bool perLanguageGiven = false, balancedGiven = false;
        options = null;
        error = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i] ?? string.Empty;
            string name = arg;
            string? inlineValue = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                name = arg[..eq];
                inlineValue = arg[(eq + 1)..];
            }

            string? text;
            int number;
            switch (name)
            {
                case "-h" or "--help":
                    if (!NoValue(name, inlineValue, out error)) return false;
                    result = result with { Help = true };
                    break;
                case "--json":
                    if (!NoValue(name, inlineValue, out error)) return false;
                    result = result with { Json = true };
                    break;
                case "--balanced":
                    if (!NoValue(name, inlineValue, out error)) return false;
                    result = result with { Balanced = true };
                    balancedGiven = true;
                    break;
                case "--model":
                    if (!Value(args, ref i, name, inlineValue, out text, out error)) return false;
                    switch (text)
                    {
                        case "gru": result = result with { Model = LanguageModelKind.Gru }; break;
                        case "lstm": result = result with { Model = LanguageModelKind.Lstm }; break;
                        case "cnn": result = result with { Model = LanguageModelKind.Cnn }; break;
                        default:
                            error = $"{name} needs gru, lstm or cnn; got '{text}'.";
                            return false;
                    }
                    break;
                case "--epochs":
                    if (!Value(args, ref i, name, inlineValue, out text, out error) || !ParseInt(name, text, 1, 100_000, out number, out error)) return false;
                    result = result with { Epochs = number };
                    break;
                case "--batch-size":
                    if (!Value(args, ref i, name, inlineValue, out text, out error) || !ParseInt(name, text, 1, 65_536, out number, out error)) return false;
                    result = result with { BatchSize = number };
                    break;
                case "--seed":
                    if (!Value(args, ref i, name, inlineValue, out text, out error) || !ParseInt(name, text, int.MinValue, int.MaxValue, out number, out error)) return false;
                    result = result with { Seed = number };
                    break;
                case "--split-seed":
                    if (!Value(args, ref i, name, inlineValue, out text, out error) || !ParseInt(name, text, int.MinValue, int.MaxValue, out number, out error)) return false;
                    result = result with { SplitSeed = number };
                    break;
                case "--per-language":
                    if (!Value(args, ref i, name, inlineValue, out text, out error) || !ParseInt(name, text, 2, 10_000_000, out number, out error)) return false;
                    result = result with { PerLanguage = number };
                    perLanguageGiven = true;
                    break;
                case "--threads":
                    if (!Value(args, ref i, name, inlineValue, out text, out error) || !ParseInt(name, text, 0, 256, out number, out error)) return false;
                    result = result with { Threads = number };
                    break;
                case "--test-fraction":
                {
                    if (!Value(args, ref i, name, inlineValue, out text, out error)) return false;
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v > 0 && v < 1))
                    {
                        error = $"{name} needs a fraction strictly between 0 and 1, e.g. {name} 0.2; got '{text}'.";
                        return false;
                    }
                    result = result with { TestFraction = v };
                    break;
                }
                case "--validation-split":
                {
                    if (!Value(args, ref i, name, inlineValue, out text, out error)) return false;
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= 0 && v < 1))
                    {
                        error = $"{name} needs a fraction in [0, 1), e.g. {name} 0.1; got '{text}'.";
                        return false;
                    }
                    result = result with { ValidationSplit = v };
                    break;
                }
                case "--save" or "--load" or "--export":
                    if (!Value(args, ref i, name, inlineValue, out text, out error)) return false;
                    result = name switch
                    {
                        "--save" => result with { SavePath = text },
                        "--load" => result with { LoadPath = text },
                        _ => result with { ExportDirectory = text },
                    };
                    break;
                case "--text":
                    // A text may start with "-"; only a missing value is an error.
                    if (inlineValue is not null) text = inlineValue;
                    else if (i + 1 < args.Count) text = args[++i];
                    else
                    {
                        error = $"{name} needs a value.";
                        return false;
                    }
                    if (string.IsNullOrWhiteSpace(text))
                    {
                        error = $"{name} needs a text with at least one character that is not white space.";
                        return false;
                    }
                    texts.Add(text);
                    break;
                default:
                    error = arg.StartsWith('-')
                        ? $"Unknown option '{name}'. Run with --help for the list."
                        : $"Unexpected argument '{arg}': this sample takes options only (a text to classify goes after --text). Run with --help for the list.";
                    return false;
            }
        }

        if (perLanguageGiven && balancedGiven)
        {
            error = "--per-language and --balanced both choose how many fortunes each language gives: pass one of them.";
            return false;
        }
        if (result.ExportDirectory is not null && (result.SavePath ?? result.LoadPath) is not null)
        {
            error = $"--export writes the data and stops without a model: it cannot go with {(result.SavePath is not null ? "--save" : "--load")}.";
            return false;
        }

        options = result with { Texts = texts };
        return true;
    }

    private static bool NoValue(string name, string? inlineValue, [NotNullWhen(false)] out string? error)
    {
        error = inlineValue is null ? null : $"{name} takes no value; got '{name}={inlineValue}'.";
        return error is null;
    }

    private static bool Value(IReadOnlyList<string> args, ref int i, string name, string? inlineValue, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (inlineValue is not null) value = inlineValue;
        else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
        else
        {
            value = null;
            error = $"{name} needs a value.";
            return false;
        }
        if (value.Length == 0)
        {
            value = null;
            error = $"{name} needs a non-empty value.";
            return false;
        }
        return true;
    }

    private static bool ParseInt(string name, string text, int min, int max, out int value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
            return true;
        error = min == int.MinValue
            ? $"{name} needs a whole number; got '{text}'."
            : $"{name} needs a whole number from {min} to {max}; got '{text}'.";
        return false;
    }
}
