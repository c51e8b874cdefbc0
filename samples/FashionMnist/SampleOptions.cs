using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NetGen.Samples;

/// <summary>The sample's command line, with Keras's example as the defaults.</summary>
public sealed record SampleOptions
{
    private readonly int _epochs = 10;

    /// <summary><c>--model mlp|lenet|lstm|gru|resnet</c>: which network to train. Default <see cref="ModelKind.Mlp"/>, the seed network.</summary>
    public ModelKind Model { get; init; } = ModelKind.Mlp;

    /// <summary>
    /// <c>--epochs N</c>: Keras's <c>epochs=10</c>. Setting it (on the command line or in an initializer) also sets
    /// <see cref="EpochsGiven"/>, which makes a run that starts from <c>--load</c> or <c>--import-safetensors</c> train.
    /// </summary>
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

    /// <summary><c>--batch-size N</c>: Keras's <c>batch_size=32</c>.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary><c>--seed N</c>: seeds the weight initialization and the per-epoch shuffles.</summary>
    public int Seed { get; init; }

    /// <summary><c>--validation-split F</c>: Keras's <c>validation_split</c>, the last fraction F of the training data. Default 0 (none), as in the example.</summary>
    public double ValidationSplit { get; init; }

    /// <summary>
    /// <c>--validate-on-test</c>: Keras's <c>validation_data=(x_test, y_test)</c>, the test set evaluated after every epoch
    /// (val_loss and val_accuracy in the history), to see when a network reaches an accuracy. The final report is the
    /// same test set's, so the last epoch's val_accuracy equals it.
    /// </summary>
    public bool ValidateOnTest { get; init; }

    /// <summary><c>--data DIR</c>: a directory with the four Fashion-MNIST IDX files (gzip or raw); null looks in the default places.</summary>
    public string? DataDirectory { get; init; }

    /// <summary><c>--subset</c>: use the repository's subset (data/fashion-mnist-subset) even when the full set is installed.</summary>
    public bool Subset { get; init; }

    /// <summary>
    /// <c>--limit N</c>: train on the first N training images only (the test set stays whole); null, the default, uses
    /// them all. For quick runs of the slower networks.
    /// </summary>
    public int? Limit { get; init; }

    /// <summary><c>--out DIR</c>: where the PNG plots go. Default <c>./out</c>.</summary>
    public string OutputDirectory { get; init; } = "out";

    /// <summary><c>--no-plots</c> turns this off.</summary>
    public bool Plots { get; init; } = true;

    /// <summary><c>--threads N</c>: the trainer's degree of parallelism; 1 (the default) trains on the calling thread, 0 uses every core.</summary>
    public int Threads { get; init; } = 1;

    /// <summary><c>--save PATH</c>: after training, save the model's parameters there (NetGen's model file, <c>.ngmf</c>).</summary>
    public string? SavePath { get; init; }

    /// <summary><c>--load PATH</c>: start from a model file instead of fresh weights; without <c>--epochs</c>, evaluate only.</summary>
    public string? LoadPath { get; init; }

    /// <summary><c>--export-safetensors PATH</c>: after training, write the parameters as safetensors (PyTorch's names and layout).</summary>
    public string? ExportSafeTensorsPath { get; init; }

    /// <summary><c>--import-safetensors PATH</c>: start from a safetensors file; without <c>--epochs</c>, evaluate only.</summary>
    public string? ImportSafeTensorsPath { get; init; }

    /// <summary><c>--checkpoint PATH</c>: resume from this checkpoint when it exists, and save one there after every epoch.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// Whether the run trains: always, unless it starts from <c>--load</c> or <c>--import-safetensors</c> without
    /// <c>--epochs</c> (then it only evaluates the weights it loaded).
    /// </summary>
    public bool Trains => EpochsGiven || (LoadPath is null && ImportSafeTensorsPath is null);

    /// <summary>
    /// <c>--lr-schedule constant|cosine</c>: the optimizer's learning rate throughout (the default, as Keras's example), or
    /// cosine decay from it to 0 over all the run's steps (<see cref="NetGen.Training.CosineDecay"/>, set before every batch).
    /// </summary>
    public bool CosineSchedule { get; init; }

    /// <summary>
    /// <c>--augment none|flip|flip-shift</c>: random changes to each training batch — left-right flips, and with
    /// <c>flip-shift</c> also shifts of up to 2 pixels (<see cref="NetGen.Training.RandomFlip"/>,
    /// <see cref="NetGen.Training.RandomTranslation"/>). For the models that take images (LeNet-5, the ResNet). Default none.
    /// </summary>
    public string Augment { get; init; } = "none";

    /// <summary><c>--learning-rate F</c>: the optimizer's learning rate instead of the network's declared one (1e-3 for every sample network); with <c>--lr-schedule cosine</c>, the peak.</summary>
    public float? LearningRate { get; init; }

    /// <summary><c>--json</c>: plain progress lines and, as the last line, one JSON object with the results.</summary>
    public bool Json { get; init; }

    /// <summary><c>--help</c>/<c>-h</c>: print the usage and exit.</summary>
    public bool Help { get; init; }

    /// <summary>The usage text.</summary>
    public const string Usage =
        """
        Usage: dotnet run -c Release --project samples/FashionMnist -- [options]

        Trains the seed MLP (784-64-64-10, Adam 1e-3) on Fashion-MNIST, as Keras's example does,
        or LeNet-5 (--model lenet), an LSTM or GRU reading the image row by row (--model lstm|gru),
        or a residual CNN with batch normalization (--model resnet).

        Options:
          --model mlp|lenet|lstm|gru|resnet
                                 the network: the seed MLP (default), LeNet-5 (two 5x5
                                 convolutions with max pooling, then dense 120-84-10),
                                 LSTM(128) / GRU(128) over the 28 rows of 28 pixels, then dense 10,
                                 or a residual CNN (24 and 48 channels, batch normalization,
                                 global average pooling)
          --epochs N             epochs to train (default 10)
          --batch-size N         samples per optimizer step (default 32)
          --seed N               weight-initialization and shuffling seed (default 0)
          --augment none|flip|flip-shift
                                 random left-right flips of the training images, and with
                                 flip-shift also shifts of up to 2 pixels; lenet and resnet
                                 (default none)
          --learning-rate F      the optimizer's learning rate (default: the network's, 1e-3)
          --lr-schedule constant|cosine
                                 keep the optimizer's learning rate (default), or decay it
                                 from there to 0 over the run's steps along a cosine
          --validation-split F   hold out the last fraction F in [0, 1) of the training data
                                 for val_loss/val_accuracy (default 0: none, as the example)
          --validate-on-test     evaluate the test set after every epoch (Keras's validation_data=
                                 (x_test, y_test)): val_loss/val_accuracy per epoch
          --data DIR             directory with the four Fashion-MNIST IDX files (.gz or raw)
                                 (default /usr/share/datasets/fashion-mnist, else the subset)
          --subset               use the repository's subset (data/fashion-mnist-subset)
          --limit N              train on the first N training images only (quick runs)
          --threads N            training threads: 1 = one thread (default), 0 = every core
          --save PATH            after training, save the model file (NetGen's format)
          --load PATH            start from a model file saved by --save; evaluates only,
                                 unless --epochs is given (then trains that many epochs on)
          --export-safetensors PATH
                                 after training, write the weights as safetensors (PyTorch's
                                 module names and layouts: Linear, Conv2d, LSTM, GRU)
          --import-safetensors PATH
                                 start from a safetensors file (as --load)
          --checkpoint PATH      resume from PATH when it exists (optimizer state and epoch
                                 included), and save a checkpoint there after every epoch
          --out DIR              where to write the PNG plots (default ./out)
          --no-plots             do not write plots
          --json                 no progress bar; the last line printed is one JSON object
          -h, --help             show this help
        """;

    /// <summary>
    /// Parses <paramref name="args"/>. Accepts <c>--name value</c> and <c>--name=value</c>. Returns false with a
    /// message naming the offending argument when an option is unknown, lacks its value, has a malformed or
    /// out-of-range value, or contradicts another option.
    /// </summary>
    public static bool TryParse(IReadOnlyList<string> args, [NotNullWhen(true)] out SampleOptions? options, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new SampleOptions();
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

            switch (name)
            {
                case "-h" or "--help":
                    if (!NoValue(name, inlineValue, out error)) return false;
                    result = result with { Help = true };
                    break;
                case "--subset":
                    if (!NoValue(name, inlineValue, out error)) return false;
                    result = result with { Subset = true };
                    break;
                case "--no-plots":
                    if (!NoValue(name, inlineValue, out error)) return false;
                    result = result with { Plots = false };
                    break;
                case "--json":
                    if (!NoValue(name, inlineValue, out error)) return false;
                    result = result with { Json = true };
                    break;
                case "--validate-on-test":
                    if (!NoValue(name, inlineValue, out error)) return false;
                    result = result with { ValidateOnTest = true };
                    break;
                case "--model":
                {
                    if (!Value(args, ref i, name, inlineValue, out string? text, out error)) return false;
                    switch (text)
                    {
                        case "mlp": result = result with { Model = ModelKind.Mlp }; break;
                        case "lenet": result = result with { Model = ModelKind.LeNet }; break;
                        case "lstm": result = result with { Model = ModelKind.Lstm }; break;
                        case "gru": result = result with { Model = ModelKind.Gru }; break;
                        case "resnet": result = result with { Model = ModelKind.ResNet }; break;
                        default:
                            error = $"{name} needs mlp, lenet, lstm, gru or resnet; got '{text}'.";
                            return false;
                    }
                    break;
                }
                case "--learning-rate":
                {
                    if (!Value(args, ref i, name, inlineValue, out string? text, out error)) return false;
                    if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !(v > 0 && v < 10))
                    {
                        error = $"{name} needs a number in (0, 10), e.g. {name} 0.002; got '{text}'.";
                        return false;
                    }
                    result = result with { LearningRate = v };
                    break;
                }
                case "--augment":
                {
                    if (!Value(args, ref i, name, inlineValue, out string? text, out error)) return false;
                    if (text is not ("none" or "flip" or "flip-shift"))
                    {
                        error = $"{name} needs none, flip or flip-shift; got '{text}'.";
                        return false;
                    }
                    result = result with { Augment = text };
                    break;
                }
                case "--lr-schedule":
                {
                    if (!Value(args, ref i, name, inlineValue, out string? text, out error)) return false;
                    switch (text)
                    {
                        case "constant": result = result with { CosineSchedule = false }; break;
                        case "cosine": result = result with { CosineSchedule = true }; break;
                        default:
                            error = $"{name} needs constant or cosine; got '{text}'.";
                            return false;
                    }
                    break;
                }
                case "--threads":
                {
                    if (!Value(args, ref i, name, inlineValue, out string? text, out error)) return false;
                    if (!ParseInt(name, text, 0, 256, out int v, out error)) return false;
                    result = result with { Threads = v };
                    break;
                }
                case "--save" or "--load" or "--export-safetensors" or "--import-safetensors" or "--checkpoint":
                {
                    if (!Value(args, ref i, name, inlineValue, out string? text, out error)) return false;
                    result = name switch
                    {
                        "--save" => result with { SavePath = text },
                        "--load" => result with { LoadPath = text },
                        "--export-safetensors" => result with { ExportSafeTensorsPath = text },
                        "--import-safetensors" => result with { ImportSafeTensorsPath = text },
                        _ => result with { CheckpointPath = text },
                    };
                    break;
                }
                case "--epochs":
                {
                    if (!Value(args, ref i, name, inlineValue, out string? text, out error)) return false;
                    if (!ParseInt(name, text, 1, 100_000, out int v, out error)) return false;
                    result = result with { Epochs = v };
                    break;
                }
                case "--limit":
                {
                    if (!Value(args, ref i, name, inlineValue, out string? text, out error)) return false;
                    if (!ParseInt(name, text, 1, int.MaxValue, out int v, out error)) return false;
                    result = result with { Limit = v };
                    break;
                }
                case "--batch-size":
                {
                    if (!Value(args, ref i, name, inlineValue, out string? text, out error)) return false;
                    if (!ParseInt(name, text, 1, 65_536, out int v, out error)) return false;
                    result = result with { BatchSize = v };
                    break;
                }
                case "--seed":
                {
                    if (!Value(args, ref i, name, inlineValue, out string? text, out error)) return false;
                    if (!ParseInt(name, text, int.MinValue, int.MaxValue, out int v, out error)) return false;
                    result = result with { Seed = v };
                    break;
                }
                case "--validation-split":
                {
                    if (!Value(args, ref i, name, inlineValue, out string? text, out error)) return false;
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= 0 && v < 1))
                    {
                        error = $"{name} needs a fraction in [0, 1), e.g. {name} 0.1; got '{text}'.";
                        return false;
                    }
                    result = result with { ValidationSplit = v };
                    break;
                }
                case "--data":
                {
                    if (!Value(args, ref i, name, inlineValue, out string? text, out error)) return false;
                    result = result with { DataDirectory = text };
                    break;
                }
                case "--out":
                {
                    if (!Value(args, ref i, name, inlineValue, out string? text, out error)) return false;
                    result = result with { OutputDirectory = text };
                    break;
                }
                default:
                    error = arg.StartsWith('-')
                        ? $"Unknown option '{name}'. Run with --help for the list."
                        : $"Unexpected argument '{arg}': this sample takes options only. Run with --help for the list.";
                    return false;
            }
        }

        if (result.Augment != "none" && result.Model is not (ModelKind.LeNet or ModelKind.ResNet))
        {
            error = $"--augment {result.Augment} is for the models that take images (lenet, resnet); --model {result.Model.ToString().ToLowerInvariant()} takes its samples as {(result.Model == ModelKind.Mlp ? "a vector" : "a sequence of rows")}.";
            return false;
        }
        if (result.Subset && result.DataDirectory is not null)
        {
            error = "--subset and --data contradict each other: pass one of them.";
            return false;
        }
        if (result.ValidateOnTest && result.ValidationSplit > 0)
        {
            error = "--validate-on-test and --validation-split both choose the validation data: pass one of them.";
            return false;
        }
        if (result.LoadPath is not null && result.ImportSafeTensorsPath is not null)
        {
            error = "--load and --import-safetensors both give the starting weights: pass one of them.";
            return false;
        }
        if (result.CheckpointPath is not null && (result.LoadPath ?? result.ImportSafeTensorsPath) is not null)
        {
            error = $"--checkpoint and {(result.LoadPath is not null ? "--load" : "--import-safetensors")} both give the starting weights: " +
                    "a checkpoint resumes its own run. Pass one of them.";
            return false;
        }

        options = result;
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
        if (inlineValue is not null)
        {
            value = inlineValue;
        }
        else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            value = args[++i];
        }
        else
        {
            value = null;
            error = $"{name} needs a value.";
            return false;
        }

        if (value.Length == 0)
        {
            error = $"{name} needs a non-empty value.";
            value = null;
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
