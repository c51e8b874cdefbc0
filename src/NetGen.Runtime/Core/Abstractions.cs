using System;
using System.Collections.Generic;

namespace NetGen;

/// <summary>
/// What every generated network exposes to the runtime (data loops, metrics, model files).
/// Implemented explicitly by the generated partial class; the same members are public constants
/// and methods on the class itself.
/// </summary>
public interface IModel
{
    /// <summary>Floats per input sample.</summary>
    int InputSize { get; }

    /// <summary>Floats per output sample.</summary>
    int OutputSize { get; }

    /// <summary>Number of trainable parameters (the length of <see cref="Parameters"/>).</summary>
    int ParameterCount { get; }

    /// <summary>The loss the network was declared with.</summary>
    LossKind Loss { get; }

    /// <summary>δ of a <see cref="LossKind.Huber"/> loss ([Loss]'s <c>Delta</c>); 1 for the other losses.</summary>
    float HuberDelta => 1f;

    /// <summary>
    /// Label smoothing ε of a categorical loss ([Loss]'s <c>LabelSmoothing</c>; 0: none). Evaluation and validation
    /// losses use the smoothed targets too, as Keras's <c>evaluate</c> does.
    /// </summary>
    float LabelSmoothing => 0f;

    /// <summary>A canonical text of the architecture, e.g. <c>Input(784) Dense(64,ReLU) … Loss(SparseCategoricalCrossEntropy) Adam</c>; model files use it as a fingerprint.</summary>
    string Architecture { get; }

    /// <summary>All parameters in one contiguous, 64-byte-aligned block.</summary>
    Span<float> Parameters { get; }

    /// <summary>How <see cref="Parameters"/> is divided into tensors, in order.</summary>
    IReadOnlyList<ParameterBlock> ParameterBlocks { get; }

    /// <summary>Runs one sample. Thread-safe; allocates nothing.</summary>
    void Predict(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Runs <paramref name="batch"/> samples stored row after row. Thread-safe; allocates nothing.</summary>
    void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batch);

    /// <summary>The index of the largest output for one sample.</summary>
    int Classify(ReadOnlySpan<float> input);
}

/// <summary>A model that can create its own trainer.</summary>
public interface ITrainableModel : IModel
{
    /// <summary>
    /// Creates a trainer owning every buffer for batches of up to <paramref name="maxBatchSize"/> samples, split over
    /// <paramref name="degreeOfParallelism"/> workers (1, the default: the calling thread only; 0: every core).
    /// </summary>
    IGradientTrainer CreateTrainer(int maxBatchSize, int degreeOfParallelism = 1);
}

/// <summary>Static facts of a generated network, for generic code that creates models.</summary>
public interface INetwork<TSelf> : ITrainableModel where TSelf : class, INetwork<TSelf>
{
    /// <summary>Creates a model with Keras's default initialization from <paramref name="seed"/>.</summary>
    static abstract TSelf Create(int seed);
}

/// <summary>One tensor inside a model's parameter block.</summary>
/// <param name="Name">PyTorch <c>nn.Sequential</c> state-dict name, e.g. <c>0.weight</c>.</param>
/// <param name="Offset">First float in <see cref="IModel.Parameters"/>.</param>
/// <param name="Shape">Shape as stored, row-major. Dense kernels are stored <c>[in, out]</c> (Keras's layout).</param>
/// <param name="Layer">Zero-based layer index.</param>
/// <param name="Kind">What the block is, for people and messages: <c>weight</c>, <c>bias</c>, <c>conv.weight</c>, <c>lstm.kernel</c>, ….</param>
public sealed record ParameterBlock(string Name, int Offset, int[] Shape, int Layer, string Kind)
{
    /// <summary>
    /// How the block appears in the equivalent PyTorch module's state dict: one tensor, or two where PyTorch keeps two
    /// (a recurrent layer's input-side and recurrent-side biases). Empty: the block has no PyTorch counterpart. The
    /// generator writes it; <see cref="Serialization.SafeTensors"/> only follows it.
    /// </summary>
    public TorchTensor[] Torch { get; init; } = [];

    /// <summary>
    /// False for state kept in the parameter block that takes no gradient (batch normalization's moving mean, variance and
    /// batch count): its gradients are always zero, so optimizers leave it as it is, and model files, checkpoints and early
    /// stopping keep it with the weights. Keras counts these as non-trainable parameters.
    /// </summary>
    public bool Trainable { get; init; } = true;

    /// <summary>Number of floats.</summary>
    public int Length
    {
        get
        {
            int n = 1;
            foreach (int d in Shape) n *= d;
            return n;
        }
    }
}

/// <summary>
/// Trains one model. Owns every buffer training needs; one thread at a time.
/// </summary>
public interface ITrainer
{
    /// <summary>The model whose parameters this trainer updates.</summary>
    IModel Model { get; }

    /// <summary>The largest batch <c>TrainBatch</c> accepts.</summary>
    int MaxBatchSize { get; }

    /// <summary>Optimizer steps taken so far.</summary>
    long Step { get; set; }

    /// <summary>Optimizer state (moments or velocity), for checkpoints. Empty for plain SGD.</summary>
    Span<float> OptimizerState { get; }

    /// <summary>True when the loss accepts integer class labels.</summary>
    bool AcceptsLabels { get; }

    /// <summary>One step on a batch with integer class labels (batch = labels.Length). Returns the mean loss.</summary>
    float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels);

    /// <summary>One step on a batch with float targets of <see cref="IModel.OutputSize"/> per sample (batch = targets.Length / OutputSize). Returns the mean loss.</summary>
    float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets);
}

/// <summary>
/// A trainer that reads a batch's samples where they are, through their row indices, instead of from a gathered copy:
/// the first layer's kernels read sample <c>rows[i]</c> of <c>samples</c> as batch row i (a shuffled epoch then never
/// copies its batches). The result is the same bits as <see cref="ITrainer.TrainBatch(ReadOnlySpan{float}, ReadOnlySpan{int})"/>
/// on the gathered rows. Generated trainers implement it when the network's first layer is dense.
/// </summary>
public interface IIndexedTrainer : ITrainer
{
    /// <summary>
    /// One step on the samples at <paramref name="rows"/> of <paramref name="samples"/> (whole samples of
    /// <see cref="IModel.InputSize"/> values, one after another); <paramref name="labels"/>[i] is the label of batch row i,
    /// sample <paramref name="rows"/>[i]. Returns the mean loss. A row outside the samples throws before anything changes.
    /// </summary>
    float TrainBatch(ReadOnlySpan<float> samples, ReadOnlySpan<int> rows, ReadOnlySpan<int> labels);

    /// <summary>
    /// One step on the samples at <paramref name="rows"/> of <paramref name="samples"/> with float targets of
    /// <see cref="IModel.OutputSize"/> per batch row (row i's targets belong to sample <paramref name="rows"/>[i]).
    /// </summary>
    float TrainBatch(ReadOnlySpan<float> samples, ReadOnlySpan<int> rows, ReadOnlySpan<float> targets);
}

/// <summary>
/// A trainer that exposes the two halves of a step: gradients, then the optimizer update
/// (for gradient checks, accumulation and data-parallel training).
/// </summary>
public interface IGradientTrainer : ITrainer
{
    /// <summary>The optimizer's step size.</summary>
    float LearningRate { get; set; }

    /// <summary>The gradients of the last <c>ComputeGradients</c> call, laid out as <see cref="IModel.Parameters"/>.</summary>
    ReadOnlySpan<float> Gradients { get; }

    /// <summary>Forward and backward on a labelled batch; fills <see cref="Gradients"/>, returns the mean loss, changes no parameter.</summary>
    float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels);

    /// <summary>Forward and backward on a batch with float targets; fills <see cref="Gradients"/>, returns the mean loss, changes no parameter.</summary>
    float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets);

    /// <summary>One optimizer step with the current <see cref="Gradients"/>.</summary>
    void ApplyGradients();

    /// <summary>
    /// The last layer's values for the batch of the last <c>ComputeGradients</c>/<c>TrainBatch</c> call, row after row:
    /// logits when <see cref="OutputsAreLogits"/> (the loss applies the output activation itself), else the activated outputs.
    /// </summary>
    ReadOnlySpan<float> LastOutputs { get; }

    /// <summary>True when <see cref="LastOutputs"/> holds logits (softmax or sigmoid not yet applied).</summary>
    bool OutputsAreLogits { get; }

    /// <summary>The output layer's activation: what turns logits in <see cref="LastOutputs"/> into the model's outputs.</summary>
    Activation OutputActivation { get; }
}

/// <summary>
/// One PyTorch tensor of a <see cref="ParameterBlock"/>: the [<paramref name="Rows"/>, <paramref name="Columns"/>]
/// row-major matrix at <paramref name="Offset"/> floats into the block, which PyTorch stores with shape
/// <paramref name="Shape"/> (transposed when <see cref="Transposed"/> is set).
/// </summary>
/// <param name="Name">The parameter's name in the PyTorch module: <c>weight</c>, <c>bias</c>, <c>weight_ih_l0</c>, ….</param>
/// <param name="Offset">First float, relative to the block's offset.</param>
/// <param name="Rows">Rows of the matrix as NetGen stores it.</param>
/// <param name="Columns">Columns of the matrix as NetGen stores it.</param>
/// <param name="Shape">The tensor's shape in PyTorch (its element count is Rows × Columns).</param>
public sealed record TorchTensor(string Name, int Offset, int Rows, int Columns, int[] Shape)
{
    /// <summary>PyTorch stores the matrix transposed, [Columns, Rows] (NetGen keeps Keras's [in, out] kernels).</summary>
    public bool Transposed { get; init; }

    /// <summary>
    /// The columns are <c>GateOrder.Length</c> equal blocks (gates) that PyTorch orders differently: NetGen's block b is
    /// PyTorch's block <c>GateOrder[b]</c>. Null: the same order.
    /// </summary>
    public int[]? GateOrder { get; init; }

    /// <summary>PyTorch has this tensor where NetGen folds it into another (a second bias): exported as zeros, added on import.</summary>
    public bool Summed { get; init; }

    /// <summary>PyTorch keeps the tensor as int64 (<c>num_batches_tracked</c>): exported as I64, imported from I64 (or F32).</summary>
    public bool Integer { get; init; }
}
