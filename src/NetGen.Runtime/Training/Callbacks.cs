using System;
using System.Globalization;
using System.IO;
using System.Text;
using NetGen.Serialization;

namespace NetGen.Training;

/// <summary>Reads a monitored value out of an epoch's logs, for the callbacks that watch one.</summary>
internal readonly struct MonitoredValue
{
    private readonly EarlyStoppingMonitor _requested;

    public MonitoredValue(EarlyStoppingMonitor monitor, string owner)
    {
        if (!Enum.IsDefined(monitor)) throw new ArgumentOutOfRangeException(nameof(monitor), monitor, $"Unknown {owner} monitor.");
        _requested = monitor;
    }

    /// <summary>The monitor after <see cref="EarlyStoppingMonitor.Auto"/> is resolved for this epoch's logs.</summary>
    public EarlyStoppingMonitor Resolve(EpochResult result) => _requested != EarlyStoppingMonitor.Auto ? _requested
        : result.ValidationLoss is null ? EarlyStoppingMonitor.Loss : EarlyStoppingMonitor.ValidationLoss;

    public static bool HigherIsBetter(EarlyStoppingMonitor m) => m is EarlyStoppingMonitor.Accuracy or EarlyStoppingMonitor.ValidationAccuracy;

    /// <summary>
    /// True when <paramref name="current"/> beats <paramref name="best"/> by more than <paramref name="minDelta"/> (absolute,
    /// Keras's rule), or there is no best yet: the one test of early stopping, ReduceLROnPlateau and ModelCheckpoint.
    /// </summary>
    public static bool Improves(double current, double best, bool hasBest, bool higherIsBetter, double minDelta) =>
        !hasBest || (higherIsBetter ? current - minDelta > best : current + minDelta < best);

    /// <summary>Throws unless <paramref name="minDelta"/> is a finite number ≥ 0.</summary>
    public static double CheckMinDelta(double minDelta) =>
        minDelta >= 0 && double.IsFinite(minDelta) ? minDelta
            : throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "minDelta must be a finite number ≥ 0.");

    /// <summary>The monitored value of <paramref name="result"/>; throws, naming the owner, when the epoch lacks it.</summary>
    public double Read(EpochResult result, string owner)
    {
        EarlyStoppingMonitor m = Resolve(result);
        double? value = m switch
        {
            EarlyStoppingMonitor.Loss => result.Loss,
            EarlyStoppingMonitor.ValidationLoss => result.ValidationLoss,
            EarlyStoppingMonitor.Accuracy => result.Accuracy,
            _ => result.ValidationAccuracy,
        };
        return value ?? throw new InvalidOperationException(
            $"{owner} monitors {m}, which epoch {result.Epoch + 1} did not report: give Fit validation data for a validation monitor, and data with classes (and FitOptions.TrainAccuracy on) for accuracy.");
    }
}

/// <summary>
/// Keras's <c>ReduceLROnPlateau</c>: multiplies the learning rate by <see cref="Factor"/> when the monitored value has not
/// improved (by more than <see cref="MinDelta"/>, absolute) for <see cref="Patience"/> epochs, then waits
/// <see cref="Cooldown"/> epochs before counting again; never below <see cref="MinLearningRate"/>.
/// </summary>
/// <remarks>With <c>Cooldown = 0</c> this is PyTorch's <c>ReduceLROnPlateau(factor, patience=Patience − 1,
/// threshold=MinDelta, threshold_mode="abs", min_lr)</c> stepped once per epoch: PyTorch reduces once more than
/// <c>patience</c> epochs went by without improvement, Keras once <c>patience</c> did.</remarks>
public sealed class ReduceLROnPlateau : FitCallback
{
    private readonly MonitoredValue _monitor;
    private double _best;
    private bool _hasBest;
    private int _wait, _cooldownLeft;

    /// <summary>Creates the callback with Keras's defaults (factor 0.1, patience 10, min_delta 1e-4).</summary>
    public ReduceLROnPlateau(EarlyStoppingMonitor monitor = EarlyStoppingMonitor.Auto, double factor = 0.1, int patience = 10,
        double minDelta = 1e-4, int cooldown = 0, double minLearningRate = 0)
    {
        _monitor = new MonitoredValue(monitor, nameof(ReduceLROnPlateau));
        if (!(factor > 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "ReduceLROnPlateau's factor must be in (0, 1).");
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        if (!(minLearningRate >= 0) || !double.IsFinite(minLearningRate)) throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, "minLearningRate must be a finite number ≥ 0.");
        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        MinDelta = MonitoredValue.CheckMinDelta(minDelta);
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
    }

    /// <summary>The watched value.</summary>
    public EarlyStoppingMonitor Monitor { get; }

    /// <summary>The factor applied to the learning rate on a plateau.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement before a reduction.</summary>
    public int Patience { get; }

    /// <summary>The absolute change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs after a reduction during which no plateau is counted.</summary>
    public int Cooldown { get; }

    /// <summary>The floor of the learning rate.</summary>
    public double MinLearningRate { get; }

    /// <summary>Reductions made in this run.</summary>
    public int Reductions { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(FitContext context)
    {
        _hasBest = false;
        _wait = _cooldownLeft = 0;
        Reductions = 0;
        _ = context.LearningRate; // refuses a trainer without a learning rate now, not after the first epoch
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(FitContext context, EpochResult result)
    {
        double current = _monitor.Read(result, nameof(ReduceLROnPlateau));
        bool higher = MonitoredValue.HigherIsBetter(_monitor.Resolve(result));
        if (_cooldownLeft > 0)
        {
            _cooldownLeft--;
            _wait = 0;
        }
        if (MonitoredValue.Improves(current, _best, _hasBest, higher, MinDelta))
        {
            _best = current;
            _hasBest = true;
            _wait = 0;
        }
        else if (_cooldownLeft == 0 && ++_wait >= Patience)
        {
            double old = context.LearningRate;
            // compared in float, as Keras does, since the trainer keeps the rate as a float: a rate at the floor stays there
            if ((float)old > (float)MinLearningRate)
            {
                context.LearningRate = Math.Max(old * Factor, MinLearningRate);
                Reductions++;
            }
            _cooldownLeft = Cooldown;
            _wait = 0;
        }
    }
}

/// <summary>
/// Keras's <c>LearningRateScheduler</c>: before each epoch, sets the learning rate to
/// <c>schedule(epoch, current rate)</c> (an epoch-wise schedule; <see cref="FitOptions.LearningRateSchedule"/> is the step-wise
/// one).
/// </summary>
public sealed class LearningRateScheduler : FitCallback
{
    private readonly Func<int, double, double> _schedule;

    /// <summary>Creates the callback.</summary>
    /// <param name="schedule">The rate of epoch e (0-based) from e and the current rate.</param>
    public LearningRateScheduler(Func<int, double, double> schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = schedule;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(FitContext context, int epoch) => context.LearningRate = _schedule(epoch, context.LearningRate);
}

/// <summary>
/// Keras's <c>ModelCheckpoint</c>: saves the model (a <see cref="ModelFile"/>, written atomically: a reader sees the old file
/// or the new one, never a torn one) after each epoch, or with <see cref="SaveBestOnly"/> only after an epoch whose monitored
/// value beats every earlier one of the run. <c>{epoch}</c> in the path becomes the 1-based epoch number, as in Keras.
/// </summary>
public sealed class ModelCheckpoint : FitCallback
{
    private readonly MonitoredValue _monitor;
    private double _best;
    private bool _hasBest;

    /// <summary>Creates the callback.</summary>
    /// <param name="path">The model file; <c>{epoch}</c> is replaced by the 1-based epoch.</param>
    /// <param name="monitor">The watched value (Auto: validation loss when there is validation data, else the loss).</param>
    /// <param name="saveBestOnly">Save only on improvement (the default here, unlike Keras, since that is what checkpoints of the best model need).</param>
    /// <param name="minDelta">The change that counts as an improvement.</param>
    public ModelCheckpoint(string path, EarlyStoppingMonitor monitor = EarlyStoppingMonitor.Auto, bool saveBestOnly = true, double minDelta = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _monitor = new MonitoredValue(monitor, nameof(ModelCheckpoint));
        Path = path;
        Monitor = monitor;
        SaveBestOnly = saveBestOnly;
        MinDelta = MonitoredValue.CheckMinDelta(minDelta);
    }

    /// <summary>The file (pattern) written.</summary>
    public string Path { get; }

    /// <summary>The watched value.</summary>
    public EarlyStoppingMonitor Monitor { get; }

    /// <summary>True: save only epochs that improve on the best so far.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>The change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>The 0-based epoch last saved, or null.</summary>
    public int? SavedEpoch { get; private set; }

    /// <summary>The best monitored value of the run, or null before the first epoch.</summary>
    public double? BestValue => _hasBest ? _best : null;

    /// <inheritdoc/>
    public override void OnTrainBegin(FitContext context)
    {
        _hasBest = false;
        SavedEpoch = null;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(FitContext context, EpochResult result)
    {
        double current = _monitor.Read(result, nameof(ModelCheckpoint));
        bool higher = MonitoredValue.HigherIsBetter(_monitor.Resolve(result));
        bool improved = !double.IsNaN(current) && MonitoredValue.Improves(current, _best, _hasBest, higher, MinDelta);
        if (improved)
        {
            _best = current;
            _hasBest = true;
        }
        if (!improved && SaveBestOnly) return;
        ModelFile.Save(context.Model, Path.Replace("{epoch}", (result.Epoch + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        SavedEpoch = result.Epoch;
    }
}

/// <summary>
/// Keras's <c>CSVLogger</c>: one row per epoch — <c>epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds</c>,
/// and with <see cref="FitOptions.ValidationMetrics"/> also <see cref="MetricsHeader"/>'s columns — appended and flushed
/// as each epoch ends, so the file survives a crash. Missing values are empty fields.
/// </summary>
public sealed class CsvLogger : FitCallback
{
    /// <summary>The header row.</summary>
    public const string Header = "epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds";

    /// <summary>The columns added with <see cref="FitOptions.ValidationMetrics"/>.</summary>
    public const string MetricsHeader = "val_roc_auc,val_average_precision,val_top_k_accuracy,val_mae,val_rmse,val_r2";

    private bool _metrics;

    /// <summary>Creates the logger.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="append">Add to an existing file (for a resumed run) instead of starting it afresh.</param>
    public CsvLogger(string path, bool append = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        Append = append;
    }

    /// <summary>The CSV file.</summary>
    public string Path { get; }

    /// <summary>True: rows go after an existing file's.</summary>
    public bool Append { get; }

    /// <inheritdoc/>
    public override void OnTrainBegin(FitContext context)
    {
        _metrics = context.Options.ValidationMetrics;
        if (!Append || !File.Exists(Path) || new FileInfo(Path).Length == 0)
            File.WriteAllText(Path, (_metrics ? Header + "," + MetricsHeader : Header) + "\n", new UTF8Encoding(false));
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(FitContext context, EpochResult result)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        string Field(double? v) => v is double d ? d.ToString("R", inv) : "";
        string row = string.Join(',', result.Epoch.ToString(inv), Field(result.Loss), Field(result.Accuracy), Field(result.ValidationLoss),
            Field(result.ValidationAccuracy), Field(result.LearningRate), result.Seconds.ToString("R", inv));
        if (_metrics)
        {
            NetGen.Evaluation.EvaluationResult? v = result.Validation;
            row = string.Join(',', row, Field(v?.RocAuc), Field(v?.AveragePrecision), Field(v?.TopKAccuracy), Field(v?.MeanAbsoluteError),
                Field(v?.RootMeanSquaredError), Field(v?.R2));
        }
        File.AppendAllText(Path, row + "\n", new UTF8Encoding(false));
    }
}
