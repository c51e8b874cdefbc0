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

    /// <summary><c>--model lstm</c>: an LSTM(128) reading the image row by row (<c>FashionLstm</c>, input [28, 28]: 28 steps of 28 pixels).</summary>
    Lstm,

    /// <summary><c>--model gru</c>: a GRU(128) reading the image row by row (<c>FashionGru</c>, input [28, 28]).</summary>
    Gru,

    /// <summary><c>--model resnet</c>: a residual CNN with batch normalization and a global-average-pooling head (<see cref="FashionResNet"/>, input [28, 28, 1]).</summary>
    ResNet,
}

/// <summary>
/// One of the sample's networks: what the command line, the data loader and the report need to know of it, and a
/// factory for its model. Everything else (training, model files, evaluation) goes through the runtime's interfaces,
/// <see cref="ITrainableModel"/> and the <see cref="IGradientTrainer"/> it creates, so <see cref="FashionMnistJob"/>
/// runs the same pipeline for each.
/// </summary>
public sealed class SampleNetwork
{
    private readonly Func<int, ITrainableModel> _create;

    private SampleNetwork(ModelKind kind, string name, int[] sampleShape, string architecture, int parameterCount, Func<int, ITrainableModel> create)
    {
        Kind = kind;
        Name = name;
        _sampleShape = sampleShape;
        Architecture = architecture;
        ParameterCount = parameterCount;
        _create = create;
    }

    /// <summary>The seed MLP: Input(784) Dense(64,ReLU) Dense(64,ReLU) Dense(10,Softmax).</summary>
    public static SampleNetwork Mlp { get; } = Of<FashionMlp>(ModelKind.Mlp, "mlp", [FashionMlp.InputSize], FashionMlp.Architecture, FashionMlp.ParameterCount);

    /// <summary>LeNet-5: two 5×5 convolutions with 2×2 max pooling, then Dense 120, 84, 10; images as [28, 28, 1].</summary>
    public static SampleNetwork LeNet { get; } = Of<LeNet5>(ModelKind.LeNet, "lenet", [28, 28, 1], LeNet5.Architecture, LeNet5.ParameterCount);

    /// <summary>An LSTM(128) over the image's 28 rows, then Dense(10, Softmax); images as [28, 28] (steps, features).</summary>
    public static SampleNetwork Lstm { get; } = Of<FashionLstm>(ModelKind.Lstm, "lstm", [28, 28], FashionLstm.Architecture, FashionLstm.ParameterCount);

    /// <summary>A GRU(128) over the image's 28 rows, then Dense(10, Softmax); images as [28, 28] (steps, features).</summary>
    public static SampleNetwork Gru { get; } = Of<FashionGru>(ModelKind.Gru, "gru", [28, 28], FashionGru.Architecture, FashionGru.ParameterCount);

    /// <summary>A residual CNN with batch normalization (two residual blocks, 24 and 48 channels) and global average pooling; images as [28, 28, 1].</summary>
    public static SampleNetwork ResNet { get; } = Of<FashionResNet>(ModelKind.ResNet, "resnet", [28, 28, 1], FashionResNet.Architecture, FashionResNet.ParameterCount);

    /// <summary>The network for <paramref name="kind"/>.</summary>
    public static SampleNetwork For(ModelKind kind) => kind switch
    {
        ModelKind.Mlp => Mlp,
        ModelKind.LeNet => LeNet,
        ModelKind.Lstm => Lstm,
        ModelKind.Gru => Gru,
        ModelKind.ResNet => ResNet,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown model."),
    };

    /// <summary>The name plots and reports give the network: MLP, LeNet-5, LSTM or GRU.</summary>
    public string DisplayName => Kind switch
    {
        ModelKind.LeNet => "LeNet-5",
        ModelKind.Lstm => "LSTM",
        ModelKind.Gru => "GRU",
        ModelKind.ResNet => "ResNet",
        _ => "MLP",
    };

    /// <summary>Which network this is.</summary>
    public ModelKind Kind { get; }

    /// <summary>The <c>--model</c> value and the JSON report's <c>model</c>: <c>mlp</c>, <c>lenet</c>, <c>lstm</c>, <c>gru</c> or <c>resnet</c>.</summary>
    public string Name { get; }

    private readonly int[] _sampleShape;

    /// <summary>The shape of one input sample: [784] for the MLP, [28, 28, 1] (height, width, channels) for LeNet-5 and the ResNet, [28, 28] (steps, features) for the LSTM and the GRU.</summary>
    public ReadOnlySpan<int> SampleShape => _sampleShape;

    /// <summary>The generated class's canonical architecture text (model files check it).</summary>
    public string Architecture { get; }

    /// <summary>Trainable parameters.</summary>
    public int ParameterCount { get; }

    /// <summary>A new model with Keras's default initialization from <paramref name="seed"/>.</summary>
    public ITrainableModel Create(int seed) => _create(seed);

    /// <summary>
    /// Whether the runtime can write this network as safetensors (<see cref="SafeTensors"/> maps every layer kind the
    /// samples use); asked of the runtime itself, so the answer follows what the runtime maps.
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

    private static SampleNetwork Of<TModel>(ModelKind kind, string name, int[] sampleShape, string architecture, int parameterCount)
        where TModel : class, INetwork<TModel>
        => new(kind, name, sampleShape, architecture, parameterCount, static seed => TModel.Create(seed));
}
