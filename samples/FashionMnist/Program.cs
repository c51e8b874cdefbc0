using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using NetGen.Data;
using NetGen.Serialization;
using NetGen.Training;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NetGen.Samples;

/// <summary>
/// Keras's Fashion-MNIST example in NetGen. Run it with
/// <c>dotnet run -c Release --project samples/FashionMnist [-- options]</c>; <c>--help</c> lists the options.
/// </summary>
public static class Program
{
    /// <summary>Exit code of a successful run.</summary>
    public const int ExitSuccess = 0;

    /// <summary>
    /// Exit code when the data is damaged, a model file, checkpoint or safetensors file is damaged or from another
    /// network, training diverges, or a plot or model file cannot be written.
    /// </summary>
    public const int ExitFailure = 1;

    /// <summary>
    /// Exit code for a bad command line (unknown option, bad value, <c>--data</c> without the files, a <c>--load</c> or
    /// <c>--import-safetensors</c> file that does not exist, safetensors asked of a network without a safetensors form).
    /// </summary>
    public const int ExitUsage = 2;

    /// <summary>The entry point.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>
    /// Runs the sample with <paramref name="output"/> as standard output and <paramref name="error"/> as standard
    /// error, so it can be called in-process. Returns the exit code.
    /// </summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        if (!SampleOptions.TryParse(args, out SampleOptions? options, out string? problem))
        {
            error.WriteLine($"error: {problem}");
            error.WriteLine("Run with --help for the options.");
            return ExitUsage;
        }
        if (options.Help)
        {
            output.WriteLine(SampleOptions.Usage);
            return ExitSuccess;
        }

        try
        {
            // The files the options name, before the data is loaded or an epoch trained.
            FashionMnistJob.CheckFiles(options);
        }
        catch (SampleUsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitUsage;
        }
        catch (ModelFormatException e)
        {
            // A damaged file, or one saved from the other network (the message names both architectures).
            error.WriteLine($"error: {e.Message}");
            return ExitFailure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: could not read a model file: {e.Message}");
            return ExitFailure;
        }

        LoadedData data;
        try
        {
            data = FashionMnistJob.LoadData(options);
        }
        catch (SampleUsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitUsage;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: could not load Fashion-MNIST: {e.Message}");
            return ExitFailure;
        }

        try
        {
            return options.Json ? RunPlain(data, options, output) : RunRich(data, options, output);
        }
        catch (SampleUsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitUsage;
        }
        catch (Exception e) when (e is TrainingDivergedException or ModelFormatException or ModelOutputException)
        {
            // ModelFormatException: a damaged file, or one saved from another network (its message names both architectures).
            error.WriteLine($"error: {e.Message}");
            return ExitFailure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: could not write the plots to {options.OutputDirectory}: {e.Message}");
            return ExitFailure;
        }
    }

    /// <summary><c>--json</c>: plain lines (Keras's epoch lines), then the JSON object as the last line.</summary>
    private static int RunPlain(LoadedData data, SampleOptions options, TextWriter output)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        if (data.Note is not null) output.WriteLine($"Note: {data.Note}");
        SampleNetwork network = SampleNetwork.For(options.Model);
        output.WriteLine(DataLine(data));
        output.WriteLine(ModelLines(network));
        output.WriteLine($"       {network.ParameterCount.ToString("N0", inv)} parameters; threads {ThreadsText(options.Threads)}");
        if (WeightsLine(options) is { } weights) output.WriteLine(weights);

        JobResult result = FashionMnistJob.Train(data, options,
            epochProgress: new SynchronousProgress<EpochResult>(e => output.WriteLine(e.ToString())));

        output.WriteLine();
        output.WriteLine("evaluate(x_test, y_test):");
        output.Write(result.Evaluation.Render(result.ClassNames));
        if (options.Plots)
            foreach (string path in Plots.WriteAll(result, options.OutputDirectory))
                output.WriteLine($"Wrote {path}");

        // The last line: one JSON object.
        output.WriteLine(JsonReport.From(result).ToJson());
        output.Flush();
        return ExitSuccess;
    }

    /// <summary>The console report: a progress bar per epoch, the epoch table, the evaluation, the plots.</summary>
    private static int RunRich(LoadedData data, SampleOptions options, TextWriter output)
    {
        IAnsiConsole console = ReferenceEquals(output, Console.Out)
            ? AnsiConsole.Console
            : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        CultureInfo inv = CultureInfo.InvariantCulture;
        if (!console.Profile.Capabilities.Interactive) console.Profile.Width = Math.Max(console.Profile.Width, 120);

        console.Write(new Rule("[bold]NetGen · Fashion-MNIST[/] — Keras's example, compiled").LeftJustified());
        if (data.Note is not null) console.Write(new Panel(new Text(data.Note)).Header("note").BorderColor(Color.Yellow));
        SampleNetwork network = SampleNetwork.For(options.Model);
        console.WriteLine(DataLine(data));
        console.WriteLine(ModelLines(network));
        console.WriteLine(options.Trains
            ? string.Create(inv,
                $"       {network.ParameterCount:N0} parameters; fit(epochs={options.Epochs}, batch_size={options.BatchSize}{(options.ValidationSplit > 0 ? $", validation_split={options.ValidationSplit}" : "")}{(options.ValidateOnTest ? ", validation_data=(x_test, y_test)" : "")}), seed {options.Seed}, threads {ThreadsText(options.Threads)}")
            : string.Create(inv, $"       {network.ParameterCount:N0} parameters"));
        if (WeightsLine(options) is { } weights) console.WriteLine(weights);
        console.WriteLine();

        JobResult result;
        if (console.Profile.Capabilities.Interactive)
        {
            result = TrainWithProgressBars(console, data, options);
        }
        else
        {
            // Output redirected: no animation, one Keras-style line per epoch.
            result = FashionMnistJob.Train(data, options,
                epochProgress: new SynchronousProgress<EpochResult>(e => console.WriteLine(e.ToString())));
        }
        if (result.Trained)
        {
            console.WriteLine();
            console.Write(EpochTable(result));
        }
        console.WriteLine();

        console.Write(new Rule("evaluate(x_test, y_test)").LeftJustified());
        console.Write(new Text(result.Evaluation.Render(result.ClassNames)));
        console.MarkupLine(string.Create(inv, $"[bold]Test accuracy: {result.TestAccuracy:F4}[/], loss {result.Evaluation.Loss:F4}"));

        if (options.Plots)
        {
            foreach (string path in Plots.WriteAll(result, options.OutputDirectory))
                console.MarkupLineInterpolated($"Wrote [link]{path}[/]");
        }
        return ExitSuccess;
    }

    /// <summary>One progress bar per epoch: batches done, the running loss and accuracy; validation at the epoch's end.</summary>
    private static JobResult TrainWithProgressBars(IAnsiConsole console, LoadedData data, SampleOptions options)
    {
        JobResult? result = null;
        Progress progress = console.Progress();
        progress.RefreshRate = TimeSpan.FromMilliseconds(200);
        progress
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                int total = options.Epochs;
                var onBatch = new SynchronousProgress<BatchProgress>(b =>
                {
                    if (b.Batch == 0)
                        task = ctx.AddTask(EpochLabel(b.Epoch, total, 0, b.BatchCount, null, null), maxValue: b.BatchCount);
                    // Updating a task takes Spectre's lock and records a speed sample, and the label is a new string:
                    // do it every 32 batches and at the end of the epoch, not on every batch (a batch takes ~75 µs).
                    if ((b.Batch & 31) == 0 || b.Batch + 1 == b.BatchCount)
                    {
                        task!.Value = b.Batch + 1;
                        task.Description = EpochLabel(b.Epoch, total, b.Batch + 1, b.BatchCount, b.MeanLoss, b.MeanAccuracy);
                    }
                });
                var onEpoch = new SynchronousProgress<EpochResult>(e =>
                {
                    if (task is null) return;
                    task.Description = EpochLabel(e.Epoch, total, e.Batches, e.Batches, e.Loss, e.Accuracy, e.ValidationLoss, e.ValidationAccuracy, e.Seconds);
                    task.StopTask();
                });
                result = FashionMnistJob.Train(data, options, onBatch, onEpoch);
            });
        return result!;
    }

    private static string DataLine(LoadedData data)
        => string.Create(CultureInfo.InvariantCulture,
            $"Data:  {(data.Kind == DataKind.Full ? "full" : "subset")} Fashion-MNIST, {data.Train.Count:N0} training and {data.Test.Count:N0} test images\n       from {data.Directory} (loaded and scaled in {data.LoadSeconds:F2}s)");

    private static string ThreadsText(int threads)
        => threads == 0 ? string.Create(CultureInfo.InvariantCulture, $"0 (every core: {Environment.ProcessorCount})") : threads.ToString(CultureInfo.InvariantCulture);

    /// <summary>Where the weights come from and go to, when not simply fresh and kept in memory; else null.</summary>
    private static string? WeightsLine(SampleOptions options)
    {
        var parts = new List<string>();
        if (options.LoadPath is { } load) parts.Add($"loaded from {load}");
        if (options.ImportSafeTensorsPath is { } import) parts.Add($"imported from {import} (safetensors)");
        if (!options.Trains) parts.Add("evaluated without training (pass --epochs N to train on from them)");
        if (options.CheckpointPath is { } checkpoint)
            parts.Add(File.Exists(checkpoint) ? $"resumed from the checkpoint {checkpoint}, saved there after every epoch" : $"checkpoint saved to {checkpoint} after every epoch");
        if (options.SavePath is { } save) parts.Add($"saved to {save}");
        if (options.ExportSafeTensorsPath is { } export) parts.Add($"exported to {export} (safetensors)");
        return parts.Count == 0 ? null : "Weights: " + string.Join("; ", parts);
    }

    /// <summary>
    /// The architecture: the layers (wrapped between layers at 100 characters, so LeNet-5's take two lines), then the
    /// loss and optimizer on a line of their own.
    /// </summary>
    private static string ModelLines(SampleNetwork network)
    {
        string architecture = network.Architecture;
        int loss = architecture.IndexOf(" Loss(", StringComparison.Ordinal);
        string layers = loss < 0 ? architecture : architecture[..loss];
        var text = new System.Text.StringBuilder("Model:");
        int lineStart = 0;
        foreach (string layer in layers.Split(' '))
        {
            if (text.Length - lineStart + 1 + layer.Length > 100 && text.Length - lineStart > 7)
            {
                text.Append('\n');
                lineStart = text.Length;
                text.Append("      ");
            }
            text.Append(' ').Append(layer);
        }
        if (loss >= 0) text.Append("\n       ").Append(architecture, loss + 1, architecture.Length - loss - 1);
        return text.ToString();
    }

    private static string EpochLabel(int epoch, int total, int done, int count, double? loss, double? accuracy,
        double? valLoss = null, double? valAccuracy = null, double? seconds = null)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        int width = total.ToString(inv).Length, countWidth = count.ToString(inv).Length;
        string text = string.Create(inv, $"Epoch {(epoch + 1).ToString(inv).PadLeft(width)}/{total} {done.ToString(inv).PadLeft(countWidth)}/{count}");
        if (seconds is double s) text += string.Create(inv, $"  {s:F2}s");
        if (loss is double l) text += string.Create(inv, $"  loss {l:F4}");
        if (accuracy is double a) text += string.Create(inv, $"  acc {a:F4}");
        if (valLoss is double vl) text += string.Create(inv, $"  val_loss {vl:F4}");
        if (valAccuracy is double va) text += string.Create(inv, $"  val_acc {va:F4}");
        return Markup.Escape(text);
    }

    private static Table EpochTable(JobResult result)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        bool validation = result.History.ValidationSamples > 0;
        var table = new Table().Border(TableBorder.Rounded).Title("fit: per epoch");
        table.AddColumn(new TableColumn("epoch").RightAligned());
        table.AddColumn(new TableColumn("loss").RightAligned());
        table.AddColumn(new TableColumn("accuracy").RightAligned());
        if (validation)
        {
            table.AddColumn(new TableColumn("val_loss").RightAligned());
            table.AddColumn(new TableColumn("val_accuracy").RightAligned());
        }
        table.AddColumn(new TableColumn("seconds").RightAligned());
        foreach (EpochResult e in result.History.Epochs)
        {
            var cells = new List<IRenderable>
            {
                new Text(string.Create(inv, $"{e.Epoch + 1}/{e.TotalEpochs}")),
                new Text(e.Loss.ToString("F4", inv)),
                new Text(e.Accuracy?.ToString("F4", inv) ?? "–"),
            };
            if (validation)
            {
                cells.Add(new Text(e.ValidationLoss?.ToString("F4", inv) ?? "–"));
                cells.Add(new Text(e.ValidationAccuracy?.ToString("F4", inv) ?? "–"));
            }
            cells.Add(new Text(e.Seconds.ToString("F2", inv)));
            table.AddRow(cells);
        }
        return table;
    }
}
