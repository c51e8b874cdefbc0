using NetGen;
using NetGen.Tests.Networks;
using static NetGen.Tests.ImageLayerTests;

namespace NetGen.Tests;

/// <summary>
/// The networks of rectangular, strided per axis, dilated, bias-free and depthwise convolutions, checked by every test
/// of <see cref="ImageLayerTests"/> (forward against the double-precision reference, gradients against its central
/// differences, batches over several lane groups, training forward against inference, training reduces the loss).
/// </summary>
public static class WindowConvolutionCases
{
    public static readonly ImageCase[] All =
    {
        new("DilatedRectangularCnn", s => new DilatedRectangularCnn(s), new ImageReference(new[] { 9, 11, 2 }, new RLayer[]
        {
            new RWindowConv(3, 2, 3, Activation.ReLU, DilationHeight: 2, DilationWidth: 2, Same: true),
            new RWindowConv(2, 3, 1, Activation.Tanh, DilationHeight: 2, Bias: false),
            new RFlatten(), new RDense(3, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
        new("PerAxisStrideCnn", s => new PerAxisStrideCnn(s), new ImageReference(new[] { 10, 13, 1 }, new RLayer[]
        {
            new RWindowConv(3, 3, 2, Activation.Sigmoid, StrideHeight: 2, Same: true),
            new RWindowConv(2, 2, 3, Activation.ReLU, StrideWidth: 2, Bias: false),
            new RWindowConv(2, 4, 4, Activation.Tanh, StrideHeight: 3, StrideWidth: 3, Same: true),
            new RFlatten(), new RDense(2, Activation.Linear),
        }, LossKind.MeanSquaredError), false),
        new("DepthwiseCnn", s => new DepthwiseCnn(s), new ImageReference(new[] { 9, 10, 3 }, new RLayer[]
        {
            RWindowConv.Depthwise(1, 3, 3, Activation.ReLU, same: true),
            RWindowConv.Depthwise(2, 2, 3, Activation.Tanh, strideHeight: 2, strideWidth: 2, same: true, bias: false),
            RWindowConv.Depthwise(1, 3, 3, Activation.Linear, dilationHeight: 2, dilationWidth: 2, same: true),
            new RFlatten(), new RDense(4, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
        new("WideDepthwiseCnn", s => new WideDepthwiseCnn(s), new ImageReference(new[] { 6, 70, 2 }, new RLayer[]
        {
            RWindowConv.Depthwise(2, 3, 3, Activation.GELU, same: true),
            new RWindowConv(2, 3, 3, Activation.Linear, DilationWidth: 3),
            new RFlatten(), new RDense(3, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
    };
}
