using System.Collections.Generic;

namespace NetGen.Serialization;

/// <summary>How NetGen's parameter tensors are named in a safetensors file.</summary>
public enum SafeTensorsNaming
{
    /// <summary>
    /// Layer <c>i</c> (counting only layers with parameters) carries the parameter names of its PyTorch module:
    /// <c>i.weight</c> and <c>i.bias</c> for <c>nn.Linear</c> and <c>nn.Conv2d</c>, <c>i.weight</c> for
    /// <c>nn.Embedding</c>, <c>i.weight_ih_l0</c>, <c>i.weight_hh_l0</c>, <c>i.bias_ih_l0</c>, <c>i.bias_hh_l0</c> for
    /// <c>nn.RNN</c>, <c>nn.LSTM</c> and <c>nn.GRU</c> (SimpleRNN and LSTM export <c>bias_hh_l0</c> as zeros and import
    /// the sum of the two biases). The PyTorch equivalent is a container whose i-th child is that module, e.g.
    /// <c>nn.Sequential(nn.Linear(784, 64), nn.Linear(64, 64), nn.Linear(64, 10))</c> with the activations, pooling and
    /// flattening applied functionally in <c>forward</c>.
    /// </summary>
    LayerIndex = 0,

    /// <summary>
    /// Layer <c>i</c> is <c>(2i).weight</c> and <c>(2i).bias</c>: the state dict of <c>nn.Sequential(nn.Linear(784, 64),
    /// nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10), nn.Softmax(dim=1))</c>, where every layer with
    /// parameters is followed by exactly one activation module (<c>nn.Identity()</c> for a linear activation).
    /// </summary>
    SequentialWithActivations = 1,
}

/// <summary>Settings of <see cref="SafeTensors.Export(IModel, string, SafeTensorsOptions?)"/> and <see cref="SafeTensors.Import(IModel, string, SafeTensorsOptions?)"/>.</summary>
public sealed record SafeTensorsOptions
{
    /// <summary>The defaults: <see cref="SafeTensorsNaming.LayerIndex"/>, no prefix, unexpected tensors and non-finite values rejected.</summary>
    public static SafeTensorsOptions Default { get; } = new();

    /// <summary>How tensors are named. Default <see cref="SafeTensorsNaming.LayerIndex"/>.</summary>
    public SafeTensorsNaming Naming { get; init; } = SafeTensorsNaming.LayerIndex;

    /// <summary>
    /// Put before every tensor name, e.g. <c>"net."</c> for a PyTorch module that keeps its <c>nn.Sequential</c> in a
    /// field called <c>net</c>. Default empty.
    /// </summary>
    public string Prefix { get; init; } = "";

    /// <summary>
    /// On import, skip tensors the model does not have (they must still be well-formed) instead of rejecting the file.
    /// Default false.
    /// </summary>
    public bool IgnoreUnexpectedTensors { get; init; }

    /// <summary>
    /// On import, accept tensors that hold NaN or infinities. By default such a file is refused with a
    /// <see cref="ModelFormatException"/> (<see cref="ModelFormatError.NonFiniteValue"/>) naming the tensor and the
    /// element. Default false.
    /// </summary>
    public bool AllowNonFiniteValues { get; init; }

    /// <summary>
    /// On export, extra <c>__metadata__</c> entries besides the ones NetGen writes (<c>format</c>: <c>pt</c>,
    /// <c>netgen.architecture</c>, <c>netgen.layout</c>). Null for none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
