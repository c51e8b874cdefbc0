using System.Linq;
using System.Collections.Generic;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Layers;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emit
{
    /// <summary>
    /// Writes the nested <c>Trainer</c> (the job driver, optimizer state, the reduction and the update) and its
    /// <c>Workspace</c> (one per worker: activations, deltas, gradients; forward, loss and backward of a slice of rows).
    /// </summary>
    internal static class TrainerEmitter
    {
        public static void Emit(SourceWriter w, KernelSet kernels, NetworkPlan plan)
        {
            string name = NetworkEmitter.SelfName(plan.Spec);
            int statePerParameter = plan.OptimizerStateArrays;
            bool labels = plan.AcceptsLabels;
            bool fused = plan.FusesActivation;
            bool indexed = plan.IndexedFirstLayer is not null;
            DenseLayerPlan? split = plan.SharedLayer;

            w.Line("/// <summary>");
            w.Line($"/// Trains a <see cref=\"{name}\"/>. Owns every buffer training needs (activations, gradients, optimizer state);");
            w.Line("/// <c>TrainBatch</c> allocates nothing. With a degree of parallelism above 1, each worker runs forward and backward");
            w.Line("/// on its slice of the batch into its own gradients, which are summed in a fixed order: results are reproducible bit for bit");
            w.Line("/// for a given degree. Use one trainer from one thread at a time; dispose it to stop its worker threads.");
            if (indexed)
            {
                w.Line("/// Layer 1 reads each batch row through an index into the caller's samples: a shuffled batch is never gathered.");
            }
            w.Line("/// </summary>");
            using (w.Block(indexed ? "public sealed class Trainer : IGradientTrainer, IIndexedTrainer, IBatchWork, IDisposable" : "public sealed class Trainer : IGradientTrainer, IBatchWork, IDisposable"))
            {
                w.Line($"private readonly {name} _model;");
                w.Line("private readonly Workspace[] _workspaces;");
                w.Line("private readonly BatchWorkers _workers;");
                w.Line($"private readonly AlignedBuffer _outputs; // last layer {(fused ? "logits" : "outputs")}, [maxBatch, {plan.OutputSize}]; each worker writes its rows");
                if (plan.Inputs.Count > 1) w.Line("private readonly float[] _packed; // a batch given as one span per input, packed into samples");
                w.Line($"private readonly AlignedBuffer _state; // {OptimizerEmitter.StateComment(plan)}");
                w.Line("private int _lastBatch; // rows of the last forward pass");
                w.Line("private int _busy; // 1 while a call runs: a second thread's call is refused instead of corrupting the buffers");
                w.Line("private bool _disposed;");
                w.Line("private long _step;");
                w.Line($"private float _learningRate = {Literal.Float(plan.Spec.Optimizer.LearningRate)};");
                if (indexed)
                {
                    w.Line("private readonly int[] _identity; // 0, 1, 2, …: the row indices of a batch given as contiguous samples");
                    w.Line("private readonly int[] _rows; // the caller's row indices, read once, checked and copied: the kernels read these");
                }
                if (split is not null)
                {
                    w.Line($"private readonly AlignedBuffer _partial; // two workers: worker 1's partial sums of layer {split.Index} (the second half of its inputs), [maxBatch, {split.Out}]");
                    w.Line($"private readonly AlignedBuffer _zeros; // {split.Out} zeros: worker 1's partial sums start from them, worker 0's from the bias");
                }
                w.Line();
                w.Line("// the job the workers run next");
                w.Line("private Job _job;");
                w.Line("private int _batch;");
                OptimizerEmitter.EmitFields(w, plan);
                DenseLayerPlan? fusedAdam = plan.FusedAdamLayer;
                if (fusedAdam is not null) w.Line($"private bool _fuse; // this batch's backward pass applies Adam's step to layer {fusedAdam.Index}'s weights itself");
                w.Line();
                w.Line(fusedAdam is null
                    ? "private enum Job { Labels, Targets, Reduce, Step, ReduceAndStep }"
                    : split is null
                        ? "private enum Job { Labels, Targets, Reduce, Step, ReduceAndStep, StepRest }"
                        : "private enum Job { Labels, Targets, Reduce, Step, ReduceAndStep, StepRest, SharedLayer }");
                w.Line();

                w.Line("/// <summary>Creates a trainer for batches of up to <paramref name=\"maxBatchSize\"/> samples, split over <paramref name=\"degreeOfParallelism\"/> workers (1, the default: the calling thread; 0: every core).</summary>");
                using (w.Block($"public Trainer({name} model, int maxBatchSize, int degreeOfParallelism = 1)"))
                {
                    w.Line("ArgumentNullException.ThrowIfNull(model);");
                    w.Line("if (maxBatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, \"The maximum batch size must be positive.\");");
                    int widest = plan.WidestTrainingRow;
                    w.Line($"// every per-row buffer (the widest holds {widest} floats a row) must stay addressable with int offsets");
                    w.Line($"if ((long)maxBatchSize * {widest} > int.MaxValue / 2) throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, $\"A batch of {{maxBatchSize}} is too large for this network: its widest layer has {widest} units.\");");
                    w.Line("if (degreeOfParallelism < 0) throw new ArgumentOutOfRangeException(nameof(degreeOfParallelism), degreeOfParallelism, \"The degree of parallelism cannot be negative (0 means every core).\");");
                    w.Line("if (degreeOfParallelism > BatchWorkers.MaxDegree) throw new ArgumentOutOfRangeException(nameof(degreeOfParallelism), degreeOfParallelism, $\"The degree of parallelism must be at most {BatchWorkers.MaxDegree}.\");");
                    if (plan.TrainsOnOneWorker)
                    {
                        w.Line("// batch normalization's statistics are over the whole batch: one worker trains it, whatever the degree asked for");
                        w.Line("int degree = 1;");
                    }
                    else
                    {
                        w.Line("int degree = Math.Min(degreeOfParallelism == 0 ? BatchWorkers.DefaultDegree : degreeOfParallelism, maxBatchSize);");
                    }
                    w.Line("_model = model;");
                    w.Line("MaxBatchSize = maxBatchSize;");
                    w.Line("_outputs = new AlignedBuffer(maxBatchSize * OutputSize);");
                    if (plan.Inputs.Count > 1) w.Line("_packed = new float[maxBatchSize * InputSize];");
                    if (indexed)
                    {
                        w.Line("_identity = new int[maxBatchSize];");
                        w.Line("for (int row = 0; row < maxBatchSize; row++) _identity[row] = row;");
                        w.Line("_rows = new int[maxBatchSize];");
                    }
                    w.Line(statePerParameter == 0 ? "_state = new AlignedBuffer(0);" : $"_state = new AlignedBuffer({(statePerParameter >= 2 ? statePerParameter + " * " : "")}ParameterCount);");
                    w.Line("int rowsPerWorker = (maxBatchSize + degree - 1) / degree;");
                    w.Line("_workspaces = new Workspace[degree];");
                    if (split is null)
                    {
                        w.Line("for (int i = 0; i < degree; i++) _workspaces[i] = new Workspace(model, _outputs, rowsPerWorker);");
                    }
                    else
                    {
                        w.Line($"// two workers share layer {split.Index} by inputs, and worker 0's buffers hold its outputs and ∂L/∂z for every row");
                        w.Line("for (int i = 0; i < degree; i++) _workspaces[i] = new Workspace(model, _outputs, i == 0 && degree == 2 ? maxBatchSize : rowsPerWorker);");
                        w.Line($"_partial = new AlignedBuffer(degree == 2 ? maxBatchSize * {split.Out} : 0);");
                        w.Line($"_zeros = new AlignedBuffer({split.Out});");
                    }
                    w.Line("_workers = new BatchWorkers(degree, this);");
                }
                w.Line();

                w.Line("/// <summary>The model whose parameters this trainer updates.</summary>");
                w.Line($"public {name} Model => _model;");
                w.Line("IModel ITrainer.Model => _model;");
                w.Line("/// <summary>The largest batch this trainer accepts.</summary>");
                w.Line("public int MaxBatchSize { get; }");
                w.Line("/// <summary>Workers that share each batch (the calling thread is one of them).</summary>");
                w.Line("public int DegreeOfParallelism => _workers.Count;");
                w.Line("/// <summary>Optimizer steps taken so far (Adam's t): 0 … 2^53 (set it to resume from a checkpoint).</summary>");
                using (w.Block("public long Step"))
                {
                    w.Line("get => _step;");
                    w.Line("set => _step = value is >= 0 and <= MaxStep ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $\"Step must be between 0 and {MaxStep}.\");");
                }
                w.Line("/// <summary>The largest <see cref=\"Step\"/>: 2^53, where a double still counts every step.</summary>");
                w.Line("public const long MaxStep = 1L << 53;");
                if (plan.ReadsStep)
                {
                    w.Line("/// <summary>Seeds the dropout masks; with <see cref=\"Step\"/> and the row, it fixes every mask, whatever the degree of parallelism.</summary>");
                    w.Line("public int Seed { get; set; }");
                }
                w.Line("/// <summary>The optimizer's step size, finite and not negative; change it between batches for a schedule.</summary>");
                using (w.Block("public float LearningRate"))
                {
                    w.Line("get => _learningRate;");
                    w.Line("set => _learningRate = value >= 0f && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, \"The learning rate must be finite and not negative.\");");
                }
                w.Line("/// <summary>Optimizer state, for checkpoints.</summary>");
                w.Line("public Span<float> OptimizerState => _state.Span;");
                w.Line("/// <summary>The gradients of the last <c>ComputeGradients</c> call (the batch mean), laid out as <see cref=\"Parameters\"/>.</summary>");
                w.Line("public ReadOnlySpan<float> Gradients => _workspaces[0].Gradients.Span;");
                w.Line("/// <summary>The last layer's values for the last batch: " + (fused ? "logits (the loss applies the output activation)." : "the activated outputs.") + "</summary>");
                w.Line("public ReadOnlySpan<float> LastOutputs => _outputs.Span.Slice(0, _lastBatch * OutputSize);");
                w.Line("/// <summary>True when <see cref=\"LastOutputs\"/> holds logits.</summary>");
                w.Line($"public bool OutputsAreLogits => {(fused ? "true" : "false")};");
                w.Line("/// <summary>The output layer's activation (applied by the loss to the logits when <see cref=\"OutputsAreLogits\"/>).</summary>");
                w.Line($"public Activation OutputActivation => Activation.{plan.Last.Activation.Kind};");
                w.Line("/// <summary>True when the loss accepts integer class labels.</summary>");
                w.Line($"public bool AcceptsLabels => {(labels ? "true" : "false")};");
                w.Line();

                // ---- public entry points: each takes the trainer for the call (Enter … Exit), so a second thread is refused
                w.Line("/// <summary>One training step on a batch with integer class labels (batch = labels.Length). Returns the mean loss.</summary>");
                using (w.Block("public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)"))
                {
                    Guarded(w, () => EmitTrainBatch(w, fusedAdam, indexed ? "inputs, default, labels" : "inputs, labels", split));
                }
                w.Line();
                w.Line($"/// <summary>One training step on a batch with float targets, {plan.OutputSize} per sample. Returns the mean loss.</summary>");
                using (w.Block("public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)"))
                {
                    Guarded(w, () => EmitTrainBatch(w, fusedAdam, indexed ? "inputs, default, targets" : "inputs, targets", split));
                }
                w.Line();
                if (indexed)
                {
                    w.Line("/// <summary>");
                    w.Line("/// One training step on the samples at <paramref name=\"rows\"/> of <paramref name=\"samples\"/> (batch row i is sample");
                    w.Line("/// rows[i]), with integer class labels, one per batch row. Returns the mean loss. Layer 1 reads the samples where they");
                    w.Line("/// are; the result is the bits of <c>TrainBatch</c> on the gathered rows. A row outside the samples throws first.");
                    w.Line("/// </summary>");
                    using (w.Block("public float TrainBatch(ReadOnlySpan<float> samples, ReadOnlySpan<int> rows, ReadOnlySpan<int> labels)"))
                    {
                        Guarded(w, () =>
                        {
                            w.Line("ReadOnlySpan<int> batchRows = CheckRows(samples.Length, rows, labels.Length);");
                            EmitTrainBatch(w, fusedAdam, "samples, batchRows, labels", split);
                        });
                    }
                    w.Line();
                    w.Line($"/// <summary>One training step on the samples at <paramref name=\"rows\"/> of <paramref name=\"samples\"/> with float targets, {plan.OutputSize} per batch row. Returns the mean loss.</summary>");
                    using (w.Block("public float TrainBatch(ReadOnlySpan<float> samples, ReadOnlySpan<int> rows, ReadOnlySpan<float> targets)"))
                    {
                        Guarded(w, () =>
                        {
                            w.Line("ReadOnlySpan<int> batchRows = CheckRows(samples.Length, rows, targets.Length / OutputSize);");
                            EmitTrainBatch(w, fusedAdam, "samples, batchRows, targets", split);
                        });
                    }
                    w.Line();
                }
                if (plan.Inputs.Count > 1)
                {
                    string parameters = NetworkEmitter.InputParameters(plan), arguments = NetworkEmitter.InputArguments(plan);
                    w.Line("/// <summary>One training step on a batch given as one span per input, with integer class labels (batch = labels.Length). Returns the mean loss.</summary>");
                    using (w.Block($"public float TrainBatch({parameters}, ReadOnlySpan<int> labels)"))
                    {
                        Guarded(w, () =>
                        {
                            w.Line("if (labels.Length > MaxBatchSize) throw new ArgumentOutOfRangeException(nameof(labels), labels.Length, $\"The batch size must be between 1 and {MaxBatchSize}.\");");
                            w.Line($"{name}.Pack({arguments}, _packed, labels.Length);");
                            w.Line("ReadOnlySpan<float> packedBatch = new ReadOnlySpan<float>(_packed, 0, labels.Length * InputSize);");
                            EmitTrainBatch(w, fusedAdam, indexed ? "packedBatch, default, labels" : "packedBatch, labels", split);
                        });
                    }
                    w.Line();
                    w.Line($"/// <summary>One training step on a batch given as one span per input, with float targets, {plan.OutputSize} per sample. Returns the mean loss.</summary>");
                    using (w.Block($"public float TrainBatch({parameters}, ReadOnlySpan<float> targets)"))
                    {
                        Guarded(w, () =>
                        {
                            w.Line("int batch = targets.Length / OutputSize;");
                            w.Line("if (batch > MaxBatchSize) throw new ArgumentOutOfRangeException(nameof(targets), batch, $\"The batch size must be between 1 and {MaxBatchSize}.\");");
                            w.Line($"{name}.Pack({arguments}, _packed, batch);");
                            w.Line("ReadOnlySpan<float> packedBatch = new ReadOnlySpan<float>(_packed, 0, batch * InputSize);");
                            EmitTrainBatch(w, fusedAdam, indexed ? "packedBatch, default, targets" : "packedBatch, targets", split);
                        });
                    }
                    w.Line();
                    w.Line("/// <summary>");
                    w.Line("/// <c>Fit</c> (<see cref=\"global::NetGen.Training.Fitter\"/>) on samples given as one span per input, each holding its values for every");
                    w.Line("/// sample row after row, with integer class labels: packs them once into a <see cref=\"global::NetGen.Data.Dataset\"/>, then fits.");
                    w.Line("/// </summary>");
                    using (w.Block($"public TrainingHistory Fit({parameters}, ReadOnlySpan<int> labels, FitOptions? options = null)"))
                    {
                        string data = NetworkEmitter.EmitPackedDataset(w, plan, name + ".Pack", targets: false);
                        w.Line($"return Fitter.Fit(this, {data}, options);");
                    }
                    w.Line();
                    w.Line($"/// <summary><c>Fit</c> on samples given as one span per input, with float targets, {plan.OutputSize} per sample: packs them once, then fits.</summary>");
                    using (w.Block($"public TrainingHistory Fit({parameters}, ReadOnlySpan<float> targets, FitOptions? options = null)"))
                    {
                        string data = NetworkEmitter.EmitPackedDataset(w, plan, name + ".Pack", targets: true);
                        w.Line($"return Fitter.Fit(this, {data}, options);");
                    }
                    w.Line();
                }
                w.Line("/// <summary>Forward and backward on a labelled batch without updating the parameters; returns the mean loss and fills <see cref=\"Gradients\"/>.</summary>");
                using (w.Block("public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)"))
                {
                    Guarded(w, () =>
                    {
                        w.Line(indexed ? "float loss = Backpropagate(inputs, default, labels);" : "float loss = Backpropagate(inputs, labels);");
                        w.Line("Reduce();");
                        w.Line("return loss;");
                    });
                }
                w.Line();
                w.Line("/// <summary>Forward and backward on a batch with float targets without updating the parameters; returns the mean loss and fills <see cref=\"Gradients\"/>.</summary>");
                using (w.Block("public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)"))
                {
                    Guarded(w, () =>
                    {
                        w.Line(indexed ? "float loss = Backpropagate(inputs, default, targets);" : "float loss = Backpropagate(inputs, targets);");
                        w.Line("Reduce();");
                        w.Line("return loss;");
                    });
                }
                w.Line();
                w.Line("/// <summary>Applies one optimizer step with <see cref=\"Gradients\"/>, the result of the last <c>ComputeGradients</c> call.</summary>");
                using (w.Block("public void ApplyGradients()"))
                {
                    Guarded(w, () => w.Line("Update(reduce: false);"));
                }
                w.Line();
                w.Line("/// <summary>Stops the worker threads; the trainer refuses every call after it.</summary>");
                using (w.Block("public void Dispose()"))
                {
                    w.Line("_disposed = true;");
                    w.Line("_workers.Dispose();");
                }
                w.Line();
                w.Line("/// <summary>Takes the trainer for one call: refuses a disposed trainer, and a call while another thread's runs.</summary>");
                using (w.Block("private void Enter()"))
                {
                    w.Line("if (_disposed) throw new ObjectDisposedException(nameof(Trainer));");
                    w.Line("if (Interlocked.Exchange(ref _busy, 1) != 0) throw new InvalidOperationException(\"This trainer is running a call on another thread: a trainer takes one call at a time (use one trainer per thread, or a degree of parallelism above 1).\");");
                }
                w.Line();
                w.Line("private void Exit() => Volatile.Write(ref _busy, 0);");
                w.Line();

                // ---- the two halves
                string fuseParameter = fusedAdam is null ? "" : ", bool fuse = false";
                string rowsParameter = indexed ? "ReadOnlySpan<int> sampleRows, " : "";
                string rowsArgument = indexed ? "sampleRows, " : "";
                void CheckInputs(string batch)
                {
                    if (!indexed)
                    {
                        w.Line($"CheckBatch(inputs.Length, {batch});");
                        return;
                    }
                    using (w.Block("if (sampleRows.IsEmpty)"))
                    {
                        w.Line("// the inputs are the batch, row after row");
                        w.Line($"CheckBatch(inputs.Length, {batch});");
                        w.Line($"sampleRows = new ReadOnlySpan<int>(_identity, 0, {batch});");
                    }
                }
                if (indexed) w.Line("/// <summary>Forward and backward; empty <paramref name=\"sampleRows\"/>: the inputs are the batch, else batch row i is sample sampleRows[i] of them (checked by the caller).</summary>");
                using (w.Block($"private float Backpropagate(ReadOnlySpan<float> inputs, {rowsParameter}ReadOnlySpan<int> labels{fuseParameter})"))
                {
                    if (!labels)
                    {
                        w.Line($"throw new InvalidOperationException(\"{plan.Spec.Loss} with {plan.OutputSize} output(s) takes float targets: call TrainBatch(inputs, targets).\");");
                    }
                    else
                    {
                        w.Line("int batch = labels.Length;");
                        CheckInputs("batch");
                        if (plan.TokenVocabulary is int vocabulary1) w.Line($"SequenceKernels.CheckTokens(inputs, {vocabulary1}, nameof(inputs));");
                        int bound = plan.Spec.Loss == LossKind.BinaryCrossEntropy ? 2 : plan.OutputSize;
                        using (w.Block("for (int r = 0; r < batch; r++)"))
                        {
                            w.Line($"if ((uint)labels[r] >= {bound}u) throw new ArgumentOutOfRangeException(nameof(labels), labels[r], $\"Label {{labels[r]}} at index {{r}} is outside [0, {bound}).\");");
                        }
                        w.Line("_job = Job.Labels;");
                        w.Line("_batch = batch;");
                        EmitRun(w, fusedAdam, $"_workers.Run(inputs, {rowsArgument}labels, default);", split is null ? null : "SharedLayerStep(inputs, sampleRows, labels, default);");
                        w.Line("return Loss(batch);");
                    }
                }
                w.Line();
                using (w.Block($"private float Backpropagate(ReadOnlySpan<float> inputs, {rowsParameter}ReadOnlySpan<float> targets{fuseParameter})"))
                {
                    w.Line("int batch = targets.Length / OutputSize;");
                    w.Line("if (targets.Length != batch * OutputSize) throw new ArgumentException($\"{targets.Length} targets is not a whole number of samples of {OutputSize}.\", nameof(targets));");
                    CheckInputs("batch");
                    if (plan.TokenVocabulary is int vocabulary2) w.Line($"SequenceKernels.CheckTokens(inputs, {vocabulary2}, nameof(inputs));");
                    w.Line("_job = Job.Targets;");
                    w.Line("_batch = batch;");
                    EmitRun(w, fusedAdam, $"_workers.Run(inputs, {rowsArgument}default, targets);", split is null ? null : "SharedLayerStep(inputs, sampleRows, default, targets);");
                    w.Line("return Loss(batch);");
                }
                w.Line();
                if (split is not null)
                {
                    w.Line("/// <summary>");
                    w.Line($"/// Forward and backward on two workers that share layer {split.Index} by its inputs: each sums half of them for every row, each");
                    w.Line($"/// runs the rest of the network on half of the rows, then each takes Adam's step for half of layer {split.Index}'s weights (a");
                    w.Line("/// contiguous block of W and its moments, which never leave that core) and for its range of the other parameters.");
                    w.Line("/// </summary>");
                    using (w.Block("private void SharedLayerStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> sampleRows, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets)"))
                    {
                        w.Line("_job = Job.SharedLayer;");
                        w.Line("_workers.Run(inputs, sampleRows, labels, targets);");
                    }
                    w.Line();
                }
                w.Line("/// <summary>The batch's mean loss: the workers' shares, summed in worker order.</summary>");
                using (w.Block("private float Loss(int batch)"))
                {
                    w.Line("_lastBatch = batch;");
                    if (plan.FoldsParameters) w.Line("_model.ParametersChanged(); // the forward pass moved batch normalization's moving statistics");
                    w.Line("float loss = 0f;");
                    w.Line("foreach (Workspace workspace in _workspaces) loss += workspace.Loss;");
                    w.Line("return loss;");
                }
                w.Line();
                using (w.Block("private void Reduce()"))
                {
                    using (w.Block("if (_workspaces.Length > 1)"))
                    {
                        w.Line("_job = Job.Reduce;");
                        w.Line("_workers.Run();");
                    }
                }
                w.Line();
                using (w.Block("private void Update(bool reduce)"))
                {
                    if (plan.ClipNormGroups > 0)
                    {
                        w.Line("// clipping by norm needs the whole summed gradient before any parameter steps");
                        w.Line("if (reduce) Reduce();");
                        w.Line("ClipScales();");
                        w.Line("BeginStep();");
                        w.Line("_job = Job.Step;");
                    }
                    else
                    {
                        w.Line("BeginStep();");
                        w.Line("_job = reduce && _workspaces.Length > 1 ? Job.ReduceAndStep : Job.Step;");
                    }
                    w.Line("_workers.Run();");
                }
                w.Line();
                OptimizerEmitter.EmitClipScales(w, plan);
                using (w.Block("private void BeginStep()"))
                {
                    w.Line("Step++;");
                    if (plan.FoldsParameters) w.Line("_model.ParametersChanged();");
                    OptimizerEmitter.EmitStepSize(w, plan);
                }
                w.Line();
                using (w.Block("private void CheckBatch(int inputLength, int batch)"))
                {
                    w.Line("if (batch <= 0 || batch > MaxBatchSize) throw new ArgumentOutOfRangeException(nameof(batch), batch, $\"The batch size must be between 1 and {MaxBatchSize}.\");");
                    w.Line("if (inputLength != batch * InputSize) throw new ArgumentException($\"{batch} samples need {batch * InputSize} input values, got {inputLength}.\", \"inputs\");");
                }
                w.Line();
                if (indexed)
                {
                    w.Line("/// <summary>");
                    w.Line("/// Reads each row index once, checks it and copies it: the kernels read the copy, so a caller that changes its");
                    w.Line("/// indices while the call runs cannot send them outside the samples.");
                    w.Line("/// </summary>");
                    using (w.Block("private ReadOnlySpan<int> CheckRows(int sampleLength, ReadOnlySpan<int> rows, int batch)"))
                    {
                        w.Line("if (batch <= 0 || batch > MaxBatchSize) throw new ArgumentOutOfRangeException(nameof(batch), batch, $\"The batch size must be between 1 and {MaxBatchSize}.\");");
                        w.Line("if (rows.Length != batch) throw new ArgumentException($\"{rows.Length} row indices for a batch of {batch}.\", nameof(rows));");
                        w.Line("int samples = sampleLength / InputSize;");
                        using (w.Block("for (int i = 0; i < rows.Length; i++)"))
                        {
                            w.Line("int row = rows[i];");
                            w.Line("if ((uint)row >= (uint)samples) throw new ArgumentOutOfRangeException(nameof(rows), row, $\"Row {row} at index {i} is outside the {samples} samples.\");");
                            w.Line("_rows[i] = row;");
                        }
                        w.Line("return new ReadOnlySpan<int>(_rows, 0, batch);");
                    }
                    w.Line();
                }

                // ---- worker body
                w.Line("/// <summary>Worker <paramref name=\"worker\"/>'s share of the current job.</summary>");
                using (w.Block("void IBatchWork.Work(int worker, BatchWorkers workers)"))
                {
                    w.Line("Workspace workspace = _workspaces[worker];");
                    if (plan.ReadsStep)
                    {
                        w.Line("workspace.Seed = Seed;");
                        w.Line("workspace.Step = Step;");
                    }
                    using (w.Block("switch (_job)"))
                    {
                        w.Line("case Job.Labels:");
                        w.Line("case Job.Targets:");
                        using (w.Block()) 
                        {
                            w.Line("var (start, rows) = workers.Rows(worker, _batch);");
                            w.Line("workspace.Rows = rows;");
                            w.Line("workspace.Loss = 0f;");
                            w.Line("if (rows == 0) return;");
                            if (indexed)
                            {
                                w.Line("ReadOnlySpan<float> x = workers.AllInputs;");
                                w.Line("ReadOnlySpan<int> index = workers.SampleRows(start, rows);");
                                w.Line("workspace.Forward(x, index, start, rows);");
                            }
                            else
                            {
                                w.Line("ReadOnlySpan<float> x = workers.Inputs(start * InputSize, rows * InputSize);");
                                w.Line("workspace.Forward(x, start, rows);");
                            }
                            if (labels)
                            {
                                w.Line("workspace.Loss = _job == Job.Labels");
                                w.Line("    ? workspace.OutputGradient(workers.Labels(start, rows), start, rows, _batch)");
                                w.Line("    : workspace.OutputGradient(workers.Targets(start * OutputSize, rows * OutputSize), start, rows, _batch);");
                            }
                            else
                            {
                                w.Line("workspace.Loss = workspace.OutputGradient(workers.Targets(start * OutputSize, rows * OutputSize), start, rows, _batch);");
                            }
                            string xArgument = indexed ? "x, index" : "x";
                            w.Line(fusedAdam is null ? $"workspace.Backward({xArgument}, rows);" : $"workspace.Backward({xArgument}, rows, _fuse ? _state : null, _alpha);");
                            w.Line("return;");
                        }
                        w.Line("case Job.Reduce:");
                        using (w.Indent())
                        {
                            w.Line("ReduceRange(worker, workers);");
                            w.Line("return;");
                        }
                        w.Line("case Job.ReduceAndStep:");
                        using (w.Indent())
                        {
                            w.Line("ReduceRange(worker, workers);");
                            w.Line("StepRange(worker, workers);");
                            w.Line("return;");
                        }
                        w.Line("case Job.Step:");
                        using (w.Indent())
                        {
                            w.Line("StepRange(worker, workers);");
                            w.Line("return;");
                        }
                        if (split is not null)
                        {
                            int lower = split.In / 2;
                            w.Line("case Job.SharedLayer:");
                            using (w.Block())
                            {
                                w.Line($"// 1. layer {split.Index}'s sums over inputs [{lower}·worker, …) for every row");
                                w.Line("_workspaces[0].ForwardInputs(workers.AllInputs, workers.SampleRows(0, _batch), worker, _partial, _zeros, _batch);");
                                w.Line("workers.Barrier();");
                                w.Line($"// 2. this worker's rows (a batch of one gives worker 1 none): the two halves' sums added and activated, the rest of the network, the loss, back to ∂L/∂z of layer {split.Index}");
                                w.Line("var (start, rows) = workers.Rows(worker, _batch);");
                                w.Line("workspace.Rows = rows;");
                                w.Line(labels
                                    ? "workspace.Loss = rows == 0 ? 0f : workspace.Middle(_workspaces[0], _partial, workers.AllLabels, workers.AllTargets, start, rows, _batch);"
                                    : "workspace.Loss = rows == 0 ? 0f : workspace.Middle(_workspaces[0], _partial, default, workers.AllTargets, start, rows, _batch);");
                                w.Line("workers.Barrier();");
                                w.Line($"// 3. Adam's step for layer {split.Index}'s weights from inputs [{lower}·worker, …), over every row; then this worker's range of the rest");
                                w.Line($"_workspaces[0].StepInputs(workers.AllInputs, workers.SampleRows(0, _batch), worker * {lower}, _batch, _state, _alpha);");
                                w.Line($"ReduceRange(worker, workers, first: {split.WeightCount});");
                                w.Line($"StepRange(worker, workers, first: {split.WeightCount});");
                                w.Line("return;");
                            }
                        }
                        if (fusedAdam is not null)
                        {
                            w.Line("case Job.StepRest:");
                            using (w.Indent())
                            {
                                w.Line($"StepRange(worker, workers, first: {fusedAdam.WeightCount}); // layer {fusedAdam.Index}'s weights took their step in the backward pass");
                                w.Line("return;");
                            }
                        }
                    }
                }
                w.Line();
                bool splitReduce = plan.SharedLayer is not null;
                w.Line(splitReduce
                    ? "/// <summary>Sums the other workers' gradients into worker 0's, over this worker's range of parameters from <paramref name=\"first\"/> on, in worker order.</summary>"
                    : "/// <summary>Sums the other workers' gradients into worker 0's, over this worker's range of parameters, in worker order.</summary>");
                using (w.Block(splitReduce ? "private void ReduceRange(int worker, BatchWorkers workers, int first = 0)" : "private void ReduceRange(int worker, BatchWorkers workers)"))
                {
                    OptimizerEmitter.EmitWorkerRange(w, splitReduce);
                    w.Line("Span<float> sum = _workspaces[0].Gradients.Span.Slice(start, count);");
                    using (w.Block("for (int i = 1; i < _workspaces.Length; i++)"))
                    {
                        w.Line("if (_workspaces[i].Rows > 0) VectorMath.Add(sum, _workspaces[i].Gradients.Span.Slice(start, count));");
                    }
                }
                w.Line();
                OptimizerEmitter.EmitSegments(w, plan);
                OptimizerEmitter.EmitStepRange(w, kernels, plan, withFirst: fusedAdam is not null);
                w.Line();

                WorkspaceEmitter(w, kernels, plan, fusedAdam);
            }
        }

        /// <summary>
        /// Writes the forward pass of layers <paramref name="from"/> onward into the workspace's buffers, the last one into
        /// <c>output</c> (logits when the loss applies the activation). Each layer reads its sources: the network input is
        /// <paramref name="input"/> (layer 1 reads its rows through <paramref name="inputIndex"/> when set), layer 1's outputs
        /// are <paramref name="firstActivations"/> when they are not this workspace's own.
        /// </summary>
        private static void EmitForwardLayers(SourceWriter w, KernelSet kernels, NetworkPlan plan, int from, string input, string? inputIndex,
            string? firstActivations = null)
        {
            int layers = plan.Layers.Count;
            bool fused = plan.FusesActivation;
            for (int i = from; i < layers; i++)
            {
                LayerPlan layer = plan.Layers[i];
                bool last = i == layers - 1;
                ActivationFunction activation = last && fused ? ActivationKind.Linear
                    : layer.KernelActivation;
                string output = last ? "output" : $"_a{layer.Index}.Reference";
                string? index = i == 0 ? inputIndex : null;
                string[] inputs = layer.Sources.Select(s => Activations(plan, s, input, firstActivations, "output")).ToArray();
                w.Line("// " + layer.Kind.Describe(layer) + (last && fused ? " (logits: the loss applies the activation)" : ""));
                if (index is not null) w.Line("// (reads its rows through the batch's row indices: the samples are never gathered)");
                // GELU and SiLU: the pre-activations are kept for the backward pass, then activated into the outputs
                bool keeps = layer.KeepsPreActivation; // never the fused output layer: the loss fuses only softmax and sigmoid
                layer.Kind.EmitForward(w, kernels, layer, keeps ? ActivationKind.Linear : activation,
                    new LayerRefs { Input = inputs[0], Inputs = inputs, InputIndex = index, Output = keeps ? PreActivations(layer) : output, Rows = "rows", Training = true, FirstRow = "start" });
                if (keeps)
                {
                    w.Line(Layers.Activations.SpanForward(activation, PreActivations(layer), output, $"rows * {layer.OutSize}"));
                }
                if (last && !fused && layer.Activation == ActivationKind.Softmax)
                {
                    w.Line($"VectorMath.SoftmaxRows(ref output, rows, {layer.OutSize});");
                }
            }
        }

        private static string InputField(int index) => $"_input{index + 1}";

        /// <summary>The workspace buffer of a layer's pre-activations (<see cref="LayerPlan.KeepsPreActivation"/>).</summary>
        private static string PreActivations(LayerPlan layer) => $"_z{layer.Index}.Reference";

        private static string InputBuffer(int index) => InputField(index) + ".Reference";

        /// <summary>The training buffer of node <paramref name="node"/>'s outputs: 0 is the network input, k is layer k.</summary>
        private static string Activations(NetworkPlan plan, int node, string input, string? firstActivations, string lastOutput) =>
            node <= 0 ? (plan.Inputs.Count == 1 ? input : InputBuffer(-node))
            : node == 1 && firstActivations is not null ? firstActivations
            : node == plan.Layers.Count ? lastOutput
            : $"_a{node}.Reference";

        /// <summary>
        /// Writes the backward pass from the last layer down to layer <paramref name="downTo"/>, each into ∂L/∂z of the
        /// layers it reads. A node read by several layers gets the sum of their gradients: its last reader writes it, and
        /// every earlier one writes its share into <c>_dfan</c> and adds it (the plan's <c>AccumulatesInto</c>). Layers
        /// that read the workspace's input <c>x</c> (through <paramref name="inputIndex"/> when set) have nothing before
        /// them to fill; layer 1 takes Adam's step itself when it is <paramref name="fusedAdamLayer"/>;
        /// <paramref name="firstActivations"/> and <paramref name="firstDelta"/> name layer 1's outputs and ∂L/∂z when they
        /// are not this workspace's own.
        /// </summary>
        private static void EmitBackwardLayers(SourceWriter w, KernelSet kernels, NetworkPlan plan, int downTo, string lastOutput,
            string? inputIndex, DenseLayerPlan? fusedAdamLayer, string? firstActivations = null, string? firstDelta = null)
        {
            int layers = plan.Layers.Count;
            string Delta(int node) => node == 1 && firstDelta is not null ? firstDelta : $"_d{node}.Reference";
            for (int i = layers - 1; i >= downTo; i--)
            {
                LayerPlan layer = plan.Layers[i];
                IReadOnlyList<int> sources = layer.Sources;
                string[] inputs = sources.Select(s => Activations(plan, s, "x", firstActivations, lastOutput)).ToArray();
                string?[] deltas = sources.Select((s, j) => s <= 0 ? null : layer.AccumulatesInto[j] ? "_dfan.Reference" : Delta(s)).ToArray();
                ActivationFunction[] activations = sources.Select(s => s <= 0 ? ActivationKind.Linear : plan.Layers[s - 1].ReaderActivation).ToArray();
                var into = new List<string>();
                for (int j = 0; j < sources.Count; j++)
                {
                    if (sources[j] > 0) into.Add($"layer {sources[j]}" + (layer.AccumulatesInto[j] ? " (added to what its later readers wrote)" : ""));
                }
                w.Line($"// {layer.Kind.Describe(layer)}: backward" + (into.Count == 0 ? "" : ", into ∂L/∂z of " + string.Join(" and ", into)));
                void Added(int j)
                {
                    if (!layer.AccumulatesInto[j]) return;
                    int source = sources[j];
                    w.Line($"// layer {source} is read by several layers: add this one's share of its ∂L/∂z");
                    w.Line($"Kernels.{kernels.Use(ElementwiseKernels.AddInPlace)}(ref {Delta(source)}, ref _dfan.Reference, rows * {plan.Layers[source - 1].OutSize});");
                }
                if (layer.KeepsPreActivation)
                {
                    w.Line($"// through {Layers.Activations.Display(layer.Activation)}, from the kept pre-activations: ∂L/∂z = ∂L/∂A ⊙ {Layers.Activations.Display(layer.Activation)}′(z)");
                    w.Line(Layers.Activations.SpanBackward(layer.Activation, Delta(layer.Index), PreActivations(layer), $"rows * {layer.OutSize}"));
                }
                layer.Kind.EmitBackward(w, kernels, layer, new LayerRefs
                {
                    Input = inputs[0],
                    Inputs = inputs,
                    InputIndex = sources[0] <= 0 && i == 0 ? inputIndex : null,
                    Output = i == layers - 1 ? lastOutput : $"_a{layer.Index}.Reference",
                    Delta = $"_d{layer.Index}.Reference",
                    PreviousDelta = deltas[0],
                    PreviousDeltas = deltas,
                    PreviousActivation = activations[0],
                    PreviousActivations = activations,
                    InputGradientWritten = layer.Kind.Merges ? Added : null,
                    Rows = "rows",
                    Training = true,
                    FusedAdam = fusedAdamLayer is not null && ReferenceEquals(layer, fusedAdamLayer) ? plan.Spec.Optimizer : null,
                });
                if (!layer.Kind.Merges) Added(0);
            }
        }

        /// <summary>The workspace methods of a trainer whose two workers share the first layer (see <see cref="SharedLayer"/>).</summary>
        private static void EmitSharedLayer(SourceWriter w, KernelSet kernels, NetworkPlan plan, DenseLayerPlan split)
        {
            int lower = split.In / 2, upper = split.In - lower;
            int units = split.Out;
            bool labels = plan.AcceptsLabels;
            var inputRefs = new LayerRefs { Input = "x", InputIndex = "index", Rows = "rows" };

            void Halves(System.Action<int> emit)
            {
                if (lower == upper)
                {
                    emit(lower);
                    return;
                }
                using (w.Block("if (worker == 0)")) emit(lower);
                using (w.Block("else")) emit(upper);
            }

            w.Line($"/// <summary>");
            w.Line($"/// Layer {split.Index}'s sums over worker <paramref name=\"worker\"/>'s half of its inputs ({lower} from 0, {upper} from {lower}), for every row:");
            w.Line($"/// worker 0's from the bias into this workspace's layer-{split.Index} outputs, worker 1's from zero into <paramref name=\"partial\"/>.");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block("public void ForwardInputs(ReadOnlySpan<float> inputs, ReadOnlySpan<int> sampleRows, int worker, AlignedBuffer partial, AlignedBuffer zeros, int rows)"))
            {
                w.Line("ref float x = ref MemoryMarshal.GetReference(inputs);");
                w.Line("ref int index = ref MemoryMarshal.GetReference(sampleRows);");
                w.Line("ref float p = ref _model._parameters.Reference;");
                w.Line($"int first = worker * {lower};");
                w.Line($"ref float bias = ref worker == 0 ? ref Unsafe.Add(ref p, {split.BiasAt}) : ref zeros.Reference;");
                w.Line($"ref float output = ref worker == 0 ? ref _a{split.Index}.Reference : ref partial.Reference;");
                Halves(n => DenseEmitter.EmitForwardInputs(w, kernels, split, n, inputRefs));
            }
            w.Line();

            string add = kernels.Use(DenseEmitter.AddPartial(split.KernelActivation));
            w.Line("/// <summary>");
            w.Line($"/// Rows [start, start + rows) between layer {split.Index}'s two halves: their sums added and activated (into <paramref name=\"shared\"/>'s");
            w.Line($"/// layer-{split.Index} outputs), the rest of the network, the loss, and the backward pass down to layer {split.Index}'s ∂L/∂z (into");
            w.Line($"/// <paramref name=\"shared\"/>'s) and bias gradient (into this worker's gradients). Returns this worker's share of the mean loss.");
            w.Line("/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block("public float Middle(Workspace shared, AlignedBuffer partial, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, int start, int rows, int batch)"))
            {
                w.Line("ref float p = ref _model._parameters.Reference;");
                w.Line("ref float g = ref Gradients.Reference;");
                w.Line("Span<float> parameters = _model._parameters.Span;");
                w.Line($"ref float a{split.Index} = ref Unsafe.Add(ref shared._a{split.Index}.Reference, start * {units});");
                w.Line($"ref float d{split.Index} = ref Unsafe.Add(ref shared._d{split.Index}.Reference, start * {units});");
                w.Line("ref float output = ref Unsafe.Add(ref _outputs.Reference, start * OutputSize);");
                w.Line($"// {split.Kind.Describe(split)}: the two halves' sums, activated");
                w.Line($"Kernels.{add}(ref a{split.Index}, ref Unsafe.Add(ref partial.Reference, start * {units}), rows * {units});");
                EmitForwardLayers(w, kernels, plan, 1, "x", null, $"a{split.Index}");
                w.Line(labels
                    ? "float loss = labels.IsEmpty ? OutputGradient(targets.Slice(start * OutputSize, rows * OutputSize), start, rows, batch) : OutputGradient(labels.Slice(start, rows), start, rows, batch);"
                    : "float loss = OutputGradient(targets.Slice(start * OutputSize, rows * OutputSize), start, rows, batch);");
                EmitBackwardLayers(w, kernels, plan, 1, "output", null, null, $"a{split.Index}", $"d{split.Index}");
                w.Line($"// {split.Kind.Describe(split)}: the bias gradient (its weights take their step in StepInputs)");
                DenseEmitter.EmitBiasGradient(w, kernels, split, new LayerRefs { Delta = $"d{split.Index}", Rows = "rows", Training = true });
                w.Line("return loss;");
            }
            w.Line();

            w.Line($"/// <summary>");
            w.Line($"/// Adam's step for layer {split.Index}'s weights from input <paramref name=\"first\"/> on ({lower} inputs from 0, {upper} from {lower}), from their");
            w.Line($"/// gradient over every row (this workspace's ∂L/∂z of layer {split.Index}). A block of W's rows, and of its moments, is contiguous: it stays in");
            w.Line("/// the cache of the core that steps it, which also sums over those inputs in the forward pass.");
            w.Line($"/// </summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block("public void StepInputs(ReadOnlySpan<float> inputs, ReadOnlySpan<int> sampleRows, int first, int rows, AlignedBuffer adam, float alpha)"))
            {
                w.Line("ref float x = ref MemoryMarshal.GetReference(inputs);");
                w.Line("ref int index = ref MemoryMarshal.GetReference(sampleRows);");
                w.Line("ref float p = ref _model._parameters.Reference;");
                var refs = new LayerRefs { Input = "x", InputIndex = "index", Delta = $"_d{split.Index}.Reference", Rows = "rows" };
                if (lower == upper)
                {
                    DenseEmitter.EmitWeightStepRows(w, kernels, split, plan.Spec.Optimizer, lower, refs);
                }
                else
                {
                    using (w.Block("if (first == 0)")) DenseEmitter.EmitWeightStepRows(w, kernels, split, plan.Spec.Optimizer, lower, refs);
                    using (w.Block("else")) DenseEmitter.EmitWeightStepRows(w, kernels, split, plan.Spec.Optimizer, upper, refs);
                }
            }
        }

        /// <summary>A public entry point's body between <c>Enter()</c> and <c>Exit()</c>.</summary>
        private static void Guarded(SourceWriter w, System.Action body)
        {
            w.Line("Enter();");
            using (w.Block("try"))
            {
                body();
            }
            using (w.Block("finally"))
            {
                w.Line("Exit();");
            }
        }

        private static void EmitTrainBatch(SourceWriter w, DenseLayerPlan? fusedAdam, string arguments, DenseLayerPlan? split = null)
        {
            void GradientsThenUpdate()
            {
                w.Line($"float loss = Backpropagate({arguments});");
                w.Line("Update(reduce: true);");
                w.Line("return loss;");
            }
            if (fusedAdam is null)
            {
                GradientsThenUpdate();
                return;
            }
            if (split is not null)
            {
                w.Line($"// two workers share layer {split.Index}: each sums half of its inputs for every row, runs the rest of the network on half");
                w.Line($"// of the rows, and takes Adam's step for its half of layer {split.Index}'s weights and its range of the other parameters");
                w.Line($"if (_workspaces.Length == 2) return Backpropagate({arguments}, fuse: true);");
            }
            using (w.Block("if (_workspaces.Length > 1)"))
            {
                GradientsThenUpdate();
            }
            w.Line($"// one worker: layer {fusedAdam.Index}'s weights take Adam's step in the backward pass, as each tile of their gradient");
            w.Line("// is finished (the same arithmetic as the update kernel, without storing the gradient); the rest step after it");
            w.Line($"float oneWorkerLoss = Backpropagate({arguments}, fuse: true);");
            w.Line("_job = Job.StepRest;");
            w.Line("_workers.Run();");
            w.Line("return oneWorkerLoss;");
        }

        /// <summary>Runs the batch job; with a fused layer, begins the step first when asked (after the batch was checked).</summary>
        private static void EmitRun(SourceWriter w, DenseLayerPlan? fusedAdam, string run, string? splitRun = null)
        {
            if (fusedAdam is null)
            {
                w.Line(run);
                return;
            }
            w.Line("if (fuse) BeginStep();");
            w.Line("_fuse = fuse;");
            using (w.Block("try"))
            {
                if (splitRun is not null)
                {
                    w.Line($"if (fuse && _workspaces.Length == 2) {splitRun}");
                    w.Line($"else {run}");
                }
                else
                {
                    w.Line(run);
                }
            }
            using (w.Block("finally"))
            {
                w.Line("_fuse = false;");
            }
        }

        private static void WorkspaceEmitter(SourceWriter w, KernelSet kernels, NetworkPlan plan, DenseLayerPlan? fusedAdamLayer)
        {
            string name = NetworkEmitter.SelfName(plan.Spec);
            int layers = plan.Layers.Count;
            w.Line("/// <summary>One worker's buffers and its forward, loss and backward over a slice of the batch.</summary>");
            using (w.Block("private sealed class Workspace"))
            {
                w.Line($"private readonly {name} _model;");
                w.Line($"private readonly AlignedBuffer _outputs; // the trainer's last-layer buffer, shared: this worker writes its rows");
                for (int i = 0; i < layers - 1; i++)
                {
                    LayerPlan layer = plan.Layers[i];
                    w.Line($"private readonly AlignedBuffer _a{layer.Index}; // layer {layer.Index} outputs, [rows, {layer.OutSize}]");
                }
                foreach (LayerPlan layer in plan.Layers)
                {
                    w.Line($"private readonly AlignedBuffer _d{layer.Index}; // ∂L/∂z of layer {layer.Index}, [rows, {layer.OutSize}]");
                }
                foreach (LayerPlan layer in plan.Layers)
                {
                    if (layer.KeepsPreActivation) w.Line($"private readonly AlignedBuffer _z{layer.Index}; // layer {layer.Index} pre-activations, for {Layers.Activations.Display(layer.Activation)}′, [rows, {layer.OutSize}]");
                    foreach (TrainingBuffer buffer in layer.Kind.TrainingBuffers(layer)) w.Line($"private readonly AlignedBuffer {buffer.Field}; // {buffer.Comment}");
                }
                foreach (var (scratch, _) in plan.TrainingScratch) w.Line($"private readonly AlignedBuffer {scratch.Field}; // {scratch.Comment}");
                if (plan.Inputs.Count > 1)
                {
                    foreach (InputPlan input in plan.Inputs) w.Line($"private readonly AlignedBuffer {InputField(input.Index)}; // input {input.Index + 1} ({input.Parameter}) of this worker's rows, [rows, {input.Size}], copied out of the packed samples");
                }
                if (plan.FanOutWidth > 0) w.Line("private readonly AlignedBuffer _dfan; // one reader's share of ∂L/∂z of a layer that several layers read, before it is added");
                w.Line();
                using (w.Block($"public Workspace({name} model, AlignedBuffer outputs, int maxRows)"))
                {
                    w.Line("_model = model;");
                    w.Line("_outputs = outputs;");
                    for (int i = 0; i < layers - 1; i++)
                    {
                        w.Line($"_a{plan.Layers[i].Index} = new AlignedBuffer(maxRows * {plan.Layers[i].OutSize});");
                    }
                    foreach (LayerPlan layer in plan.Layers)
                    {
                        if (layer.DeltaOwner == layer.Index) w.Line($"_d{layer.Index} = new AlignedBuffer(maxRows * {layer.DeltaFloatsPerRow});");
                    }
                    foreach (LayerPlan layer in plan.Layers)
                    {
                        if (layer.DeltaOwner != layer.Index) w.Line($"_d{layer.Index} = _d{layer.DeltaOwner}; // layer {layer.DeltaOwner}'s ∂L/∂z is read before layer {layer.Index}'s is written");
                    }
                    foreach (LayerPlan layer in plan.Layers)
                    {
                        if (layer.KeepsPreActivation) w.Line($"_z{layer.Index} = new AlignedBuffer(maxRows * {layer.OutSize});");
                        foreach (TrainingBuffer buffer in layer.Kind.TrainingBuffers(layer)) w.Line($"{buffer.Field} = new AlignedBuffer({buffer.Size});");
                    }
                    w.Line("Gradients = new AlignedBuffer(ParameterCount);");
                    foreach (var (scratch, floats) in plan.TrainingScratch) w.Line($"{scratch.Field} = new AlignedBuffer({floats});");
                    if (plan.Inputs.Count > 1)
                    {
                        foreach (InputPlan input in plan.Inputs) w.Line($"{InputField(input.Index)} = new AlignedBuffer(maxRows * {input.Size});");
                    }
                    if (plan.FanOutWidth > 0) w.Line($"_dfan = new AlignedBuffer(maxRows * {plan.FanOutWidth});");
                }
                w.Line();
                w.Line("/// <summary>∂L/∂parameters of this worker's rows (scaled by the whole batch), laid out as the parameters.</summary>");
                w.Line("public AlignedBuffer Gradients { get; }");
                w.Line("/// <summary>Rows of the current batch this worker handled.</summary>");
                w.Line("public int Rows;");
                w.Line("/// <summary>This worker's share of the batch's mean loss.</summary>");
                w.Line("public float Loss;");
                if (plan.ReadsStep)
                {
                    w.Line("/// <summary>The trainer's dropout seed and step, for this job's masks.</summary>");
                    w.Line("public int Seed;");
                    w.Line("public long Step;");
                }
                w.Line();

                // ---- Forward
                bool indexed = plan.IndexedFirstLayer is not null;
                if (indexed) w.Line("/// <summary>Forward over this worker's rows: row i is sample sampleRows[i] of the inputs.</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
                using (w.Block(indexed ? "public void Forward(ReadOnlySpan<float> inputs, ReadOnlySpan<int> sampleRows, int start, int rows)" : "public void Forward(ReadOnlySpan<float> inputs, int start, int rows)"))
                {
                    w.Line("ref float x = ref MemoryMarshal.GetReference(inputs);");
                    if (indexed) w.Line("ref int index = ref MemoryMarshal.GetReference(sampleRows);");
                    w.Line("ref float p = ref _model._parameters.Reference;");
                    w.Line("ref float output = ref Unsafe.Add(ref _outputs.Reference, start * OutputSize);");
                    if (plan.Inputs.Count > 1)
                    {
                        w.Line("// each sample is the inputs one after the other: each into a buffer of its own, which its layers read");
                        NetworkEmitter.EmitUnpack(w, plan, "x", i => InputBuffer(i), "rows");
                    }
                    EmitForwardLayers(w, kernels, plan, 0, "x", indexed ? "index" : null);
                }
                w.Line();

                LossEmitter.Emit(w, plan, $"_d{plan.Last.Index}");
                w.Line();

                // ---- Backward
                if (fusedAdamLayer is not null)
                {
                    w.Line($"/// <summary>Backward over this worker's rows; given the trainer's Adam state (one worker), layer {fusedAdamLayer.Index}'s weights also take Adam's step, of size alpha, as their gradient is finished.</summary>");
                }
                w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
                string inputParameters = indexed ? "ReadOnlySpan<float> inputs, ReadOnlySpan<int> sampleRows" : "ReadOnlySpan<float> inputs";
                using (w.Block(fusedAdamLayer is null
                    ? $"public void Backward({inputParameters}, int rows)"
                    : $"public void Backward({inputParameters}, int rows, AlignedBuffer? adam, float alpha)"))
                {
                    // several inputs are read from the buffers Forward copied them into
                    if (plan.Inputs.Count == 1) w.Line("ref float x = ref MemoryMarshal.GetReference(inputs);");
                    if (indexed) w.Line("ref int index = ref MemoryMarshal.GetReference(sampleRows);");
                    w.Line("ref float p = ref _model._parameters.Reference;");
                    w.Line("ref float g = ref Gradients.Reference;");
                    w.Line("Span<float> parameters = _model._parameters.Span;");
                    EmitBackwardLayers(w, kernels, plan, 0, "_outputs.Reference", indexed ? "index" : null, fusedAdamLayer);
                }

                if (plan.SharedLayer is DenseLayerPlan split)
                {
                    w.Line();
                    EmitSharedLayer(w, kernels, plan, split);
                }
            }
        }
    }
}
