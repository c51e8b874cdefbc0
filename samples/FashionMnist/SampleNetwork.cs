using System;
using System.IO;
using NetGen.Serialization;

namespace NetGen.Samples;

/// <summary>The networks the sample can train (<c>--model</c>).</summary>
public enum ModelKind
{
    /// <summary><c>--model mlp</c>: the seed network, Keras's example (<see cref="FashionMlp"/>, input 784 floats).</summary>
    Mlp,

    /// <summary><c>--model lenet</c>: LeNet-5 (<see cref="LeNet5"/>, input [28, 28, 1]).</summary>
    LeNet,
}

/// <summary>
/// One of the sample's networks, seen through the runtime's interfaces (<see cref="ITrainableModel"/>,
/// <see cref="IGradientTrainer"/>) so that <see cref="FashionMnistJob"/> runs the same pipeline for each.
/// </summary>
public sealed class SampleNetwork
{
    private readonly Func<int, ITrainableModel> _create;
    private readonly Func<ITrainableModel, int, int, IGradientTrainer> _createTrainer;

    private SampleNetwork(ModelKind kind, string name, int[] sampleShape, string architecture, int parameterCount,
        Func<int, ITrainableModel> create, Func<ITrainableModel, int, int, IGradientTrainer> createTrainer)
    {
        Kind = kind;
        Name = name;
        _sampleShape = sampleShape;
        Architecture = architecture;
        ParameterCount = parameterCount;
        _create = create;
        _createTrainer = createTrainer;
    }

    /// <summary>The seed MLP: Input(784) Dense(64,ReLU) Dense(64,ReLU) Dense(10,Softmax).</summary>
    public static SampleNetwork Mlp { get; } = Of<FashionMlp, FashionMlp.Trainer>(ModelKind.Mlp, "mlp", [FashionMlp.InputSize],
        FashionMlp.Architecture, FashionMlp.ParameterCount, static (m, batch, threads) => m.CreateTrainer(batch, threads));

    /// <summary>LeNet-5: two 5×5 convolutions with 2×2 max pooling, then Dense 120, 84, 10; images as [28, 28, 1].</summary>
    public static SampleNetwork LeNet { get; } = Of<LeNet5, LeNet5.Trainer>(ModelKind.LeNet, "lenet", [28, 28, 1],
        LeNet5.Architecture, LeNet5.ParameterCount, static (m, batch, threads) => m.CreateTrainer(batch, threads));

    /// <summary>The network for <paramref name="kind"/>.</summary>
    public static SampleNetwork For(ModelKind kind) => kind switch
    {
        ModelKind.Mlp => Mlp,
        ModelKind.LeNet => LeNet,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown model."),
    };

    /// <summary>Which network this is.</summary>
    public ModelKind Kind { get; }

    /// <summary>The <c>--model</c> value and the JSON report's <c>model</c>: <c>mlp</c> or <c>lenet</c>.</summary>
    public string Name { get; }

    private readonly int[] _sampleShape;

    /// <summary>The shape of one input sample: [784] for the MLP, [28, 28, 1] (height, width, channels) for LeNet-5.</summary>
    public ReadOnlySpan<int> SampleShape => _sampleShape;

    /// <summary>The generated class's canonical architecture text (model files check it).</summary>
    public string Architecture { get; }

    /// <summary>Trainable parameters.</summary>
    public int ParameterCount { get; }

    /// <summary>A new model with Keras's default initialization from <paramref name="seed"/>.</summary>
    public ITrainableModel Create(int seed) => _create(seed);

    /// <summary>
    /// The generated trainer of <paramref name="model"/> (which <see cref="Create"/> made) for batches of up to
    /// <paramref name="maxBatchSize"/>, split over <paramref name="degreeOfParallelism"/> workers (0: every core).
    /// The trainer is <see cref="IDisposable"/> (its workers); dispose it when done.
    /// </summary>
    public IGradientTrainer CreateTrainer(ITrainableModel model, int maxBatchSize, int degreeOfParallelism)
        => _createTrainer(model, maxBatchSize, degreeOfParallelism);

    /// <summary>
    /// Whether the runtime can write this network as safetensors (<see cref="SafeTensors"/> maps dense layers only);
    /// asked of the runtime itself, so the answer changes when the runtime learns convolutions.
    /// </summary>
    /// <param name="reason">The runtime's explanation when it cannot.</param>
    public bool SupportsSafeTensors(out string? reason)
    {
        try
        {
            SafeTensors.Export(Create(0), Stream.Null);
            reason = null;
            return true;
        }
        catch (NotSupportedException e)
        {
            reason = e.Message;
            return false;
        }
    }

    /// <summary>The <c>--model</c> value.</summary>
    public override string ToString() => Name;

    private static SampleNetwork Of<TModel, TTrainer>(ModelKind kind, string name, int[] sampleShape, string architecture, int parameterCount,
        Func<TModel, int, int, TTrainer> createTrainer)
        where TModel : class, INetwork<TModel>
        where TTrainer : IGradientTrainer, IDisposable
        => new(kind, name, sampleShape, architecture, parameterCount,
            static seed => TModel.Create(seed),
            (model, batch, threads) => createTrainer(
                model as TModel ?? throw new ArgumentException($"The model is a {model.GetType().Name}, not a {typeof(TModel).Name}.", nameof(model)),
                batch, threads));
}
