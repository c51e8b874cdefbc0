using System;
using System.Runtime.CompilerServices;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using NetGen.Data;
using NetGen.Evaluation;

namespace NetGen.Training;

/// <summary>The training loop: Keras's <c>Model.fit</c> over any <see cref="ITrainer"/>.</summary>
public static class Fitter
{
    /// <summary>
    /// The seed of epoch <paramref name="epoch"/>'s shuffle for run seed <paramref name="seed"/>: each epoch has its
    /// own stream, so an epoch's order does not depend on the epochs before it.
    /// </summary>
    public static ulong EpochSeed(int seed, int epoch) => ((ulong)(uint)seed << 32) | (uint)epoch;

    /// <summary>
    /// Trains <paramref name="trainer"/>'s model on <paramref name="train"/> for epochs
    /// <see cref="FitOptions.InitialEpoch"/> … <see cref="FitOptions.Epochs"/> − 1.
    /// </summary>
    /// <remarks>
    /// <para>Each epoch visits the training samples once, shuffled (unless <see cref="FitOptions.Shuffle"/> is off)
    /// and cut into batches of <see cref="FitOptions.BatchSize"/>; the last batch holds the remainder. Batches are
    /// gathered into buffers allocated once per call, so the batch loop allocates nothing (with the progress sinks off,
    /// or sinks that do not allocate). Labelled data goes to
    /// <see cref="ITrainer.TrainBatch(ReadOnlySpan{float}, ReadOnlySpan{int})"/>, or, when the trainer does not accept
    /// labels, is turned into targets (the label itself for a single output, one-hot otherwise) for
    /// <see cref="ITrainer.TrainBatch(ReadOnlySpan{float}, ReadOnlySpan{float})"/>; target data goes to the latter.</para>
    /// <para>The epoch's loss is the mean of the batch losses weighted by batch size. Its accuracy, when
    /// <see cref="FitOptions.TrainAccuracy"/> is on and the data has classes, is Keras's running accuracy: each batch
    /// is scored with the weights its step starts from — from the trainer's own forward pass when it is an
    /// <see cref="IGradientTrainer"/> (no extra work), else by a prediction just before the step. Validation runs after each epoch with
    /// <see cref="LossFunctions"/> on the model's outputs.</para>
    /// </remarks>
    /// <param name="trainer">The trainer, and through it the model.</param>
    /// <param name="train">The training data: labels, or as many targets per sample as the model has outputs.</param>
    /// <param name="options">Settings; null means the defaults.</param>
    /// <returns>One <see cref="EpochResult"/> per epoch trained, and how early stopping ended.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The batch size is not in 1…<see cref="ITrainer.MaxBatchSize"/>, or another option is out of range.</exception>
    /// <exception cref="ArgumentException">The data does not fit the model, holds a NaN or infinite feature or target
    /// (checked once, before training; the message names the first sample and feature), or the options contradict each other.</exception>
    /// <exception cref="TrainingDivergedException">A batch loss was NaN or infinite, or a parameter was after an epoch (checked at the end of each epoch).</exception>
    /// <exception cref="OperationCanceledException"><see cref="FitOptions.CancellationToken"/> was cancelled.</exception>
    public static TrainingHistory Fit(this ITrainer trainer, Dataset train, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(train);
        options ??= new FitOptions();
        var run = new Run(trainer, train, options);
        return run.Execute();
    }

    /// <summary>One call of <see cref="Fit"/>: its checked settings and every buffer it needs, allocated up front.</summary>
    private sealed class Run
    {
        private readonly ITrainer _trainer;
        private readonly IModel _model;
        private readonly Dataset _train;
        private readonly FitOptions _options;
        private readonly int _inputSize, _outputSize, _batchSize, _trainCount;
        private readonly bool _passLabels;
        private readonly AccuracyMode _trainMode;
        private readonly bool _trackAccuracy;

        private readonly int[] _order;
        private readonly AlignedBuffer? _inputs;
        private readonly int[]? _labels;
        private readonly float[]? _targets;
        private readonly float[]? _outputs;

        /// <summary>Set when the trainer exposes its own outputs, so training accuracy needs no extra forward pass.</summary>
        private readonly IGradientTrainer? _gradientTrainer;

        /// <summary>Set when shuffled batches go to the trainer as row indices into the data: nothing is gathered.</summary>
        private readonly IIndexedTrainer? _indexedTrainer;

        private readonly Dataset? _validation;
        private readonly int _validationStart, _validationCount, _validationChunk;
        private readonly AccuracyMode _validationMode;
        private readonly float[]? _validationOutputs;

        private readonly EarlyStoppingOptions? _early;
        private readonly EarlyStoppingMonitor _monitor;
        private readonly float[]? _bestWeights;

        /// <summary>The validation data as one data set and the options to evaluate it with, when <see cref="FitOptions.ValidationMetrics"/> is on.</summary>
        private readonly Dataset? _validationSet;
        private readonly EvaluationOptions? _validationMetrics;

        /// <summary>The step-wise schedule, applied to <see cref="_gradientTrainer"/> before every batch; null: none.</summary>
        private readonly LearningRateSchedule? _schedule;

        /// <summary>The callbacks, in order (empty: none), and what they see of the run.</summary>
        private readonly FitCallback[] _callbacks;
        private readonly FitContext _context;

        /// <summary>The caller's <see cref="FitOptions.State"/>: read once when resuming, updated after every epoch.</summary>
        private readonly FitState? _state;

        public Run(ITrainer trainer, Dataset train, FitOptions options)
        {
            _trainer = trainer;
            _gradientTrainer = trainer as IGradientTrainer;
            _model = trainer.Model ?? throw new ArgumentException("The trainer's Model is null.", nameof(trainer));
            _train = train;
            _options = options;
            _inputSize = _model.InputSize;
            _outputSize = _model.OutputSize;

            int maxBatch = trainer.MaxBatchSize;
            _batchSize = options.BatchSize;
            if (_batchSize < 1 || _batchSize > maxBatch)
                throw new ArgumentOutOfRangeException(nameof(options), _batchSize,
                    $"FitOptions.BatchSize must be between 1 and the trainer's MaxBatchSize ({maxBatch}); got {_batchSize}. Lower the batch size or create the trainer with a larger maximum batch.");
            if (options.Epochs < 0)
                throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, "FitOptions.Epochs must not be negative.");
            if (options.InitialEpoch < 0 || options.InitialEpoch > options.Epochs)
                throw new ArgumentOutOfRangeException(nameof(options), options.InitialEpoch,
                    $"FitOptions.InitialEpoch must be between 0 and Epochs ({options.Epochs}); Epochs is the index to train up to, not a count of further epochs.");
            if (options.ValidationBatchSize < 1)
                throw new ArgumentOutOfRangeException(nameof(options), options.ValidationBatchSize, "FitOptions.ValidationBatchSize must be positive.");

            Classification.Validate(_model, train, nameof(train));

            _schedule = options.LearningRateSchedule;
            if (_schedule is not null && _gradientTrainer is null)
                throw new ArgumentException(
                    $"FitOptions.LearningRateSchedule sets the learning rate, which {trainer.GetType().Name} does not expose: it is not an IGradientTrainer.", nameof(options));
            _callbacks = options.Callbacks is { } callbacks ? [.. callbacks] : [];
            for (int i = 0; i < _callbacks.Length; i++)
            {
                if (_callbacks[i] is null) throw new ArgumentException($"FitOptions.Callbacks[{i}] is null.", nameof(options));
            }
            _context = new FitContext(trainer, options);

            // Validation: a held-out tail of the training data (before shuffling), or separate data.
            double fraction = options.ValidationFraction;
            if (!(fraction >= 0 && fraction < 1))
                throw new ArgumentOutOfRangeException(nameof(options), fraction, "FitOptions.ValidationFraction must be in [0, 1).");
            _trainCount = train.Count;
            if (fraction > 0)
            {
                if (options.ValidationData is not null)
                    throw new ArgumentException("Set FitOptions.ValidationData or FitOptions.ValidationFraction, not both.", nameof(options));
                int splitAt = (int)Math.Round(train.Count * (1.0 - fraction), MidpointRounding.ToEven);
                if (splitAt <= 0 || splitAt >= train.Count)
                    throw new ArgumentException(
                        $"A validation fraction of {fraction} of {train.Count} samples leaves {splitAt} to train on and {train.Count - splitAt} to validate on; both need at least one.",
                        nameof(options));
                _trainCount = splitAt;
                _validation = train;
                _validationStart = splitAt;
                _validationCount = train.Count - splitAt;
            }
            else if (options.ValidationData is { } validation)
            {
                Classification.Validate(_model, validation, nameof(options) + "." + nameof(FitOptions.ValidationData));
                if (validation.Count == 0)
                    throw new ArgumentException("FitOptions.ValidationData is empty.", nameof(options));
                _validation = validation;
                _validationCount = validation.Count;
            }
            if (_trainCount == 0) throw new ArgumentException("The training data is empty.", nameof(train));

            // Once, before training: one NaN feature would otherwise spread through every weight it touches.
            RefuseNonFinite(train, "training data", nameof(train));
            if (options.ValidationData is { } separate) RefuseNonFinite(separate, "validation data (FitOptions.ValidationData)", nameof(options));

            // Buffers, allocated once: the batch loop allocates nothing.
            _passLabels = train.HasLabels && trainer.AcceptsLabels;
            _order = new int[_trainCount];
            _trainMode = Classification.ModeFor(_model.Loss, _outputSize, train.HasLabels);
            _trackAccuracy = options.TrainAccuracy && _trainMode != AccuracyMode.None;
            // A trainer that reads rows through indices takes a shuffled batch as the data plus the batch's rows, unless
            // training accuracy needs a separate forward pass over the gathered rows (a trainer without its own outputs).
            // Augmentation changes a copy of each batch, so every batch is gathered (or copied) into Fit's own buffer.
            options.Augmentation?.Check(train.SampleShape);
            if (options.Shuffle && options.Augmentation is null && trainer is IIndexedTrainer indexed && (!_trackAccuracy || _gradientTrainer is not null))
                _indexedTrainer = indexed;
            if (options.Augmentation is not null && !options.Shuffle) _inputs = new AlignedBuffer(_batchSize * _inputSize);
            if (options.Shuffle)
            {
                if (_indexedTrainer is null) _inputs = new AlignedBuffer(_batchSize * _inputSize); // 64-byte aligned, like the kernels' own buffers
                if (train.HasLabels) _labels = new int[_batchSize];
            }
            if (!train.HasLabels || !_passLabels)
            {
                // Gathered targets, or labels turned into targets for a trainer that takes only targets.
                if (options.Shuffle || train.HasLabels) _targets = new float[_batchSize * _outputSize];
            }
            if (_trackAccuracy) _outputs = new float[_batchSize * _outputSize];

            if (_validation is not null)
            {
                _validationMode = Classification.ModeFor(_model.Loss, _outputSize, _validation.HasLabels);
                _validationChunk = Math.Min(options.ValidationBatchSize, _validationCount);
                _validationOutputs = new float[_validationChunk * _outputSize];
            }

            if (options.ValidationMetrics)
            {
                if (_validation is null)
                    throw new ArgumentException("FitOptions.ValidationMetrics evaluates the validation data: set ValidationData or ValidationFraction as well.", nameof(options));
                if (options.ValidationTopK is int k && k < 1)
                    throw new ArgumentOutOfRangeException(nameof(options), k, "FitOptions.ValidationTopK must be at least 1.");
                if (_validationStart == 0 && _validationCount == _validation.Count)
                {
                    _validationSet = _validation;
                }
                else
                {
                    var rows = new int[_validationCount];
                    for (int i = 0; i < rows.Length; i++) rows[i] = _validationStart + i;
                    _validationSet = _validation.Subset(rows);
                }
                _validationMetrics = new EvaluationOptions { BatchSize = options.ValidationBatchSize, TopK = options.ValidationTopK };
            }
            else if (options.ValidationTopK is not null)
            {
                throw new ArgumentException("FitOptions.ValidationTopK needs FitOptions.ValidationMetrics on.", nameof(options));
            }

            _early = options.EarlyStopping;
            if (_early is not null)
            {
                if (!(_early.MinDelta >= 0))
                    throw new ArgumentOutOfRangeException(nameof(options), _early.MinDelta, "EarlyStoppingOptions.MinDelta must be a non-negative number.");
                _monitor = _early.Monitor == EarlyStoppingMonitor.Auto
                    ? (_validation is not null ? EarlyStoppingMonitor.ValidationLoss : EarlyStoppingMonitor.Loss)
                    : _early.Monitor;
                string? missing = _monitor switch
                {
                    EarlyStoppingMonitor.ValidationLoss when _validation is null => "validation data",
                    EarlyStoppingMonitor.ValidationAccuracy when _validation is null || _validationMode == AccuracyMode.None => "validation data with classes",
                    EarlyStoppingMonitor.Accuracy when !_trackAccuracy => "training accuracy (FitOptions.TrainAccuracy on, and data with classes)",
                    EarlyStoppingMonitor.Loss or EarlyStoppingMonitor.ValidationLoss or EarlyStoppingMonitor.Accuracy or EarlyStoppingMonitor.ValidationAccuracy => null,
                    _ => throw new ArgumentOutOfRangeException(nameof(options), _early.Monitor, "Unknown early stopping monitor."),
                };
                if (missing is not null)
                    throw new ArgumentException($"Early stopping monitors {_monitor}, which needs {missing}.", nameof(options));
            }

            _state = options.State;
            if (_state is not null)
            {
                if (options.InitialEpoch == 0)
                {
                    _state.Clear();
                }
                else if (_state.Epoch != options.InitialEpoch)
                {
                    throw new ArgumentException(
                        $"FitOptions.State leads into epoch {_state.Epoch}, but FitOptions.InitialEpoch is {options.InitialEpoch}: load the state from the checkpoint the trainer comes from (Checkpoint.Load(trainer, path, state)).",
                        nameof(options));
                }
                if (_early is not null && _state.HasEarlyStopping)
                {
                    if (_state.Monitor != _monitor)
                        throw new ArgumentException($"FitOptions.State holds early stopping state for {_state.Monitor}, but this run monitors {_monitor}.", nameof(options));
                    if (_early.RestoreBestWeights && _state.BestEpoch >= 0 && _state.BestWeights.Length != _model.Parameters.Length)
                        throw new ArgumentException(
                            $"FitOptions.State holds no best weights for {_model.Parameters.Length} parameters (it has {_state.BestWeights.Length}): it comes from a run without EarlyStoppingOptions.RestoreBestWeights.",
                            nameof(options));
                }
            }
            if (_early is not null && _early.RestoreBestWeights)
            {
                // Resuming: the best weights come from the state (and stay shared with it); else a buffer of our own.
                _bestWeights = _state is { HasEarlyStopping: true, BestEpoch: >= 0 } ? _state.BestWeightsArray! : new float[_model.Parameters.Length];
                if (_state is not null) _state.BestWeightsArray = _bestWeights;
            }
        }

        /// <summary>Throws <see cref="ArgumentException"/> naming the first sample and feature (or target) that is NaN or infinite.</summary>
        private static void RefuseNonFinite(Dataset data, string what, string parameter)
        {
            int index = NonFinite.IndexOf(data.Features);
            if (index >= 0)
            {
                int size = data.FeatureSize;
                throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"The {what} holds a non-finite value ({data.Features[index]}) at sample {index / size}, feature {index % size} (both 0-based). Fit trains on finite numbers only: drop or impute missing values first (e.g. CsvOptions.MissingValues)."),
                    parameter);
            }
            if (data.Targets is { } targets && NonFinite.IndexOf(targets) is int bad and >= 0)
            {
                int size = data.TargetSize;
                throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"The {what} holds a non-finite target ({targets[bad]}) at sample {bad / size}, target {bad % size} (both 0-based). Fit trains on finite numbers only."),
                    parameter);
            }
        }

        /// <summary>
        /// The outputs of the batch the trainer just stepped on, computed by its own forward pass (before the update, as
        /// Keras's running accuracy): probabilities, or logits where only their arg-max is used.
        /// </summary>
        private ReadOnlySpan<float> StepOutputs(int n, int outputSize)
        {
            ReadOnlySpan<float> last = _gradientTrainer!.LastOutputs.Slice(0, n * outputSize);
            // softmax logits are used only through their arg-max, which softmax keeps; sigmoid logits go through thresholds on probabilities
            if (!_gradientTrainer.OutputsAreLogits || _gradientTrainer.OutputActivation != Activation.Sigmoid) return last;
            Span<float> outputs = _outputs.AsSpan(0, n * outputSize);
            for (int i = 0; i < outputs.Length; i++) outputs[i] = VectorMath.Sigmoid(last[i]);
            return outputs;
        }

        public TrainingHistory Execute()
        {
            FitOptions options = _options;
            CancellationToken cancellationToken = options.CancellationToken;
            IProgress<EpochResult>? epochProgress = options.EpochProgress;
            // Not pre-sized by the epoch count: Epochs = int.MaxValue (train until early stopping or cancellation) is valid.
            var epochs = new List<EpochResult>(Math.Min(options.Epochs - options.InitialEpoch, 64));

            bool higherIsBetter = _monitor is EarlyStoppingMonitor.Accuracy or EarlyStoppingMonitor.ValidationAccuracy;
            double best = 0;
            int bestEpoch = -1, wait = 0;
            bool stoppedEarly = false;
            FitState? state = _state;
            if (_early is not null && state is { HasEarlyStopping: true })
            {
                // Resuming: early stopping goes on from where the interrupted run was.
                best = state.BestValue;
                bestEpoch = state.BestEpoch;
                wait = state.Wait;
                stoppedEarly = state.StoppedEarly;
            }

            FitContext context = _context;
            foreach (FitCallback callback in _callbacks) callback.OnTrainBegin(context);
            bool stoppedByCallback = false;

            for (int epoch = options.InitialEpoch; epoch < options.Epochs && !stoppedEarly && !stoppedByCallback; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long started = Stopwatch.GetTimestamp();
                context.Epoch = epoch;
                foreach (FitCallback callback in _callbacks) callback.OnEpochBegin(context, epoch);

                TrainEpoch(epoch, out double loss, out double? accuracy, out int batches, out float lastLoss);

                // Once per epoch (a pass over the parameters, cheap next to the epoch): a loss can stay finite while
                // some weights are already NaN; no callback, checkpoint or validation sees such a model.
                ReadOnlySpan<float> parameters = _model.Parameters;
                int bad = NonFinite.IndexOf(parameters);
                if (bad >= 0)
                    throw new TrainingDivergedException(epoch + 1, batches, lastLoss, bad, parameters[bad], NonFinite.Locate(_model.ParameterBlocks, bad));

                double? validationLoss = null, validationAccuracy = null;
                EvaluationResult? validationResult = null;
                if (_validationSet is not null)
                {
                    validationResult = Evaluator.Evaluate(_model, _validationSet, _validationMetrics!, cancellationToken);
                    validationLoss = validationResult.Loss;
                    validationAccuracy = validationResult.Accuracy;
                }
                else if (_validation is not null)
                {
                    Evaluator.Tally tally = default;
                    Evaluator.Accumulate(_model, _validation, _validationStart, _validationCount, _validationOutputs!, _validationChunk, ref tally, null, cancellationToken);
                    validationLoss = tally.MeanLoss;
                    if (_validationMode != AccuracyMode.None) validationAccuracy = tally.Accuracy;
                }

                var result = new EpochResult(epoch, options.Epochs, loss, accuracy, validationLoss, validationAccuracy,
                    Stopwatch.GetElapsedTime(started).TotalSeconds, batches, _trainCount)
                {
                    LearningRate = _gradientTrainer?.LearningRate,
                    Validation = validationResult,
                };
                epochs.Add(result);

                if (_early is not null)
                {
                    double current = _monitor switch
                    {
                        EarlyStoppingMonitor.Loss => loss,
                        EarlyStoppingMonitor.ValidationLoss => validationLoss!.Value,
                        EarlyStoppingMonitor.Accuracy => accuracy!.Value,
                        _ => validationAccuracy!.Value,
                    };
                    bool improved = !double.IsNaN(current) && MonitoredValue.Improves(current, best, bestEpoch >= 0, higherIsBetter, _early.MinDelta);
                    if (improved)
                    {
                        best = current;
                        bestEpoch = epoch;
                        wait = 0;
                        if (_bestWeights is not null) _model.Parameters.CopyTo(_bestWeights);
                    }
                    else if (++wait >= _early.Patience)
                    {
                        stoppedEarly = epoch + 1 < options.Epochs;
                    }
                }

                // The state as of this epoch, before the callback that may save it in a checkpoint.
                if (state is not null)
                {
                    state.Epoch = epoch + 1;
                    state.HasEarlyStopping = _early is not null;
                    state.Monitor = _early is null ? EarlyStoppingMonitor.Auto : _monitor;
                    state.BestEpoch = bestEpoch;
                    state.BestValue = best;
                    state.Wait = wait;
                    state.StoppedEarly = stoppedEarly;
                    if (_bestWeights is null) state.BestWeightsArray = null;
                }
                foreach (FitCallback callback in _callbacks) callback.OnEpochEnd(context, result);
                stoppedByCallback = context.StopTraining && epoch + 1 < options.Epochs;
                epochProgress?.Report(result);
            }

            bool restored = false;
            int lastEpoch = epochs.Count == 0 ? options.InitialEpoch - 1 : epochs[^1].Epoch;
            if (_bestWeights is not null && bestEpoch >= 0 && bestEpoch != lastEpoch)
            {
                _bestWeights.CopyTo(_model.Parameters);
                restored = true;
            }

            var history = new TrainingHistory(
                epochs,
                _trainCount,
                _validationCount,
                _early is null ? null : _monitor,
                stoppedEarly,
                _early is null || bestEpoch < 0 ? null : bestEpoch,
                _early is null || bestEpoch < 0 ? null : best,
                restored)
            {
                StoppedByCallback = stoppedByCallback,
            };
            foreach (FitCallback callback in _callbacks) callback.OnTrainEnd(context, history);
            return history;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call an epoch: optimized from the start, not on-stack replaced
        private void TrainEpoch(int epoch, out double meanLoss, out double? accuracy, out int batchCount, out float lastLoss)
        {
            FitOptions options = _options;
            CancellationToken cancellationToken = options.CancellationToken;
            IProgress<BatchProgress>? batchProgress = options.BatchProgress;
            ITrainer trainer = _trainer;
            IIndexedTrainer? indexed = _indexedTrainer;
            IModel model = _model;
            int inputSize = _inputSize, outputSize = _outputSize, batchSize = _batchSize, count = _trainCount;
            bool shuffle = options.Shuffle;
            LearningRateSchedule? schedule = _schedule;
            Augmentation? augmentation = options.Augmentation;
            ReadOnlySpan<int> sampleShape = _train.SampleShape;
            // its own stream, apart from the shuffle's: turning augmentation on does not change the batches' order
            var augmentRandom = new SeededRandom(EpochSeed(options.Seed, epoch) ^ 0x9E3779B97F4A7C15UL);
            FitCallback[] callbacks = _callbacks;
            FitContext context = _context;
            float[] features = _train.Features;
            int[]? labels = _train.Labels;
            float[]? targets = _train.Targets;

            int[] order = _order;
            if (shuffle)
            {
                for (int i = 0; i < order.Length; i++) order[i] = i;
                var random = new SeededRandom(EpochSeed(options.Seed, epoch));
                random.Shuffle(order.AsSpan());
            }

            batchCount = (count + batchSize - 1) / batchSize;
            double lossSum = 0, correct = 0;
            int seen = 0;
            lastLoss = 0;
            for (int batch = 0, first = 0; first < count; batch++, first += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = Math.Min(batchSize, count - first);
                ReadOnlySpan<int> batchOrder = order.AsSpan(first, n);
                if (schedule is not null) _gradientTrainer!.LearningRate = (float)schedule.Rate(trainer.Step);
                for (int c = 0; c < callbacks.Length; c++) callbacks[c].OnBatchBegin(context, epoch, batch);

                // Inputs: a slice of the data in order, else gathered rows (or, for a trainer that reads rows through
                // indices, none: it takes the data and the batch's rows).
                ReadOnlySpan<float> x = default;
                if (!shuffle)
                {
                    x = features.AsSpan(first * inputSize, n * inputSize);
                }
                else if (indexed is null)
                {
                    Span<float> gathered = _inputs!.Span.Slice(0, n * inputSize);
                    for (int i = 0; i < n; i++)
                        features.AsSpan(batchOrder[i] * inputSize, inputSize).CopyTo(gathered.Slice(i * inputSize, inputSize));
                    x = gathered;
                }
                if (augmentation is not null)
                {
                    Span<float> batchInputs = _inputs!.Span.Slice(0, n * inputSize);
                    if (!shuffle) x.CopyTo(batchInputs); // shuffled batches are already gathered there
                    augmentation.Apply(batchInputs, n, sampleShape, ref augmentRandom);
                    x = batchInputs;
                }

                float loss;
                if (labels is not null)
                {
                    ReadOnlySpan<int> y;
                    if (shuffle)
                    {
                        Span<int> gathered = _labels.AsSpan(0, n);
                        for (int i = 0; i < n; i++) gathered[i] = labels[batchOrder[i]];
                        y = gathered;
                    }
                    else
                    {
                        y = labels.AsSpan(first, n);
                    }

                    bool before = _trackAccuracy && _gradientTrainer is null;
                    if (before)
                    {
                        Span<float> outputs = _outputs.AsSpan(0, n * outputSize);
                        model.Predict(x, outputs, n);
                        correct += Classification.CorrectWithLabels(outputs, y, outputSize);
                    }

                    if (_passLabels)
                    {
                        loss = indexed is not null ? indexed.TrainBatch(features, batchOrder, y) : trainer.TrainBatch(x, y);
                    }
                    else
                    {
                        Span<float> t = _targets.AsSpan(0, n * outputSize);
                        LabelsToTargets(y, t, outputSize);
                        loss = indexed is not null ? indexed.TrainBatch(features, batchOrder, (ReadOnlySpan<float>)t) : trainer.TrainBatch(x, (ReadOnlySpan<float>)t);
                    }

                    if (_trackAccuracy && !before)
                    {
                        correct += Classification.CorrectWithLabels(StepOutputs(n, outputSize), y, outputSize);
                    }
                }
                else
                {
                    ReadOnlySpan<float> t;
                    if (shuffle)
                    {
                        Span<float> gathered = _targets.AsSpan(0, n * outputSize);
                        for (int i = 0; i < n; i++)
                            targets.AsSpan(batchOrder[i] * outputSize, outputSize).CopyTo(gathered.Slice(i * outputSize, outputSize));
                        t = gathered;
                    }
                    else
                    {
                        t = targets.AsSpan(first * outputSize, n * outputSize);
                    }

                    bool before = _trackAccuracy && _gradientTrainer is null;
                    if (before)
                    {
                        Span<float> outputs = _outputs.AsSpan(0, n * outputSize);
                        model.Predict(x, outputs, n);
                        correct += Classification.CorrectWithTargets(_trainMode, outputs, t, outputSize, n);
                    }

                    loss = indexed is not null ? indexed.TrainBatch(features, batchOrder, t) : trainer.TrainBatch(x, t);

                    if (_trackAccuracy && !before)
                    {
                        correct += Classification.CorrectWithTargets(_trainMode, StepOutputs(n, outputSize), t, outputSize, n);
                    }
                }

                if (!float.IsFinite(loss)) throw new TrainingDivergedException(epoch + 1, batch + 1, loss);
                lastLoss = loss;
                lossSum += (double)loss * n;
                seen += n;
                var progress = new BatchProgress(epoch, batch, batchCount, n, loss, lossSum / seen, _trackAccuracy ? correct / seen : null);
                for (int c = 0; c < callbacks.Length; c++) callbacks[c].OnBatchEnd(context, in progress);
                batchProgress?.Report(progress);
            }

            meanLoss = lossSum / seen;
            accuracy = _trackAccuracy ? correct / seen : null;
        }

        private static void LabelsToTargets(ReadOnlySpan<int> labels, Span<float> targets, int outputSize)
        {
            if (outputSize == 1)
            {
                for (int i = 0; i < labels.Length; i++) targets[i] = labels[i];
                return;
            }
            targets.Clear();
            for (int i = 0; i < labels.Length; i++) targets[i * outputSize + labels[i]] = 1f;
        }
    }
}
