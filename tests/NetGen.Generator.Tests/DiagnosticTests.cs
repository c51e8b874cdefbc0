using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace NetGen.Generator.Tests;

/// <summary>
/// One minimal invalid network per diagnostic: the ID, Error severity, where it points (the text of its span),
/// key words of the message, that nothing is generated, and that the generator never throws.
/// </summary>
public sealed class DiagnosticTests
{
    /// <summary>A valid body of attributes to start from.</summary>
    private const string Valid = """
        [Input(4)]
        [Dense(8, Activation.ReLU)]
        [Dense(3, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam]
        """;

    private static string Net(string attributes, string declaration = "public partial class Net\n{\n}") =>
        $"using NetGen;\n\nnamespace Demo;\n\n{attributes}\n{declaration}\n";

    private static string Without(string attributes, string line) => attributes.Replace(line + "\n", "", StringComparison.Ordinal).Replace("\n" + line, "", StringComparison.Ordinal);

    /// <param name="Span">The exact text the diagnostic's location covers.</param>
    /// <param name="Line">When the span text is ambiguous: text the diagnostic's line must contain.</param>
    public sealed record Case(string Source, string Id, string Span, string[] Keywords, string? Line = null);

    private const string Tail = "[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]";

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["DuplicateName"] = new(Net("[Input(4)]\n[Dense(8, Name = \"h\")]\n[Dense(6, Name = \"h\")]\n[Add(\"h\", \"h\")]\n[Dense(3, Activation.Softmax)]\n" + Tail), "NG0027",
            "Name = \"h\"", new[] { "Layer 2 is named 'h'", "layer 1", "its own Name" }, Line: "[Dense(6"),
        ["UnknownName"] = new(Net("[Input(4)]\n[Dense(8, Name = \"h\")]\n[Dense(8, Input = \"g\")]\n[Dense(3, Activation.Softmax)]\n" + Tail), "NG0028",
            "Input = \"g\"", new[] { "Layer 2 reads 'g'", "names before it: h" }),
        ["ReadsLaterLayer"] = new(Net("[Input(4)]\n[Dense(8, Name = \"a\")]\n[Add(\"a\", \"b\")]\n[Dense(8, Name = \"b\")]\n[Dense(3, Activation.Softmax)]\n" + Tail), "NG0029",
            "\"b\"", new[] { "Layer 2 reads 'b'", "layer 3", "no cycles" }),
        ["ReadsItself"] = new(Net("[Input(4)]\n[Dense(8, Name = \"a\", Input = \"a\")]\n[Dense(3, Activation.Softmax)]\n" + Tail), "NG0029",
            "Input = \"a\"", new[] { "Layer 1 reads 'a'", "1 itself" }),
        ["UnusedOutput"] = new(Net("[Input(4, Name = \"x\")]\n[Dense(8, Activation.ReLU)]\n[Dense(8, Input = \"x\")]\n[Dense(3, Activation.Softmax)]\n" + Tail), "NG0030",
            "Dense(8, Activation.ReLU)", new[] { "Layer 1 ([Dense(8)])", "read by no later layer", "its Name" }),
        ["MergeShapesDiffer"] = new(Net("[Input(4, Name = \"x\")]\n[Dense(8, Name = \"a\")]\n[Dense(5, Input = \"x\", Name = \"b\")]\n[Add(\"a\", \"b\")]\n[Dense(3, Activation.Softmax)]\n" + Tail), "NG0031",
            "Add(\"a\", \"b\")", new[] { "Layer 3 ([Add])", "[8] and [5]", "[Concatenate]" }),
        ["MergeOneInput"] = new(Net("[Input(4)]\n[Dense(8, Name = \"a\")]\n[Concatenate(\"a\")]\n[Dense(3, Activation.Softmax)]\n" + Tail), "NG0031",
            "Concatenate(\"a\")", new[] { "Layer 2 ([Concatenate])", "1 input", "two or more" }),
        ["ConcatenateAxesDiffer"] = new(Net("[Input(6, 6, 1, Name = \"x\")]\n[Conv2D(2, 3, Name = \"a\")]\n[Conv2D(3, 5, Input = \"x\", Name = \"b\")]\n[Concatenate(\"a\", \"b\")]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n" + Tail), "NG0031",
            "Concatenate(\"a\", \"b\")", new[] { "Layer 3 ([Concatenate])", "last axis", "[4, 4, 2] and [2, 2, 3]" }),
        ["MergeRawImage"] = new(Net("[Input(4, 4, 3, Name = \"x\")]\n[Conv2D(3, 1, Name = \"c\")]\n[Add(\"x\", \"c\")]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n" + Tail), "NG0031",
            "Add(\"x\", \"c\")", new[] { "Layer 2 ([Add])", "channel-last", "[Conv2D]" }),
        ["OutputIgnoresInput"] = new(Net("[Input(4, Name = \"a\")]\n[Input(2, Name = \"b\")]\n[Dense(8, Input = \"a\")]\n[Dense(3, Activation.Softmax)]\n" + Tail), "NG0032",
            "Input(2, Name = \"b\")", new[] { "No layer reads input 2 'b'", "does not depend on it", "Input = \"b\"" }),
        ["NotPartial"] = new(Net(Valid, "public class Net\n{\n}"), "NG0001", "Net", new[] { "'Net'", "partial class Net" }),
        ["NoInputOnlyLayers"] = new(Net(Without(Valid, "[Input(4)]")), "NG0002", "Net", new[] { "'Net'", "no input shape", "[Input(n)]" }),
        ["NoLayers"] = new(Net("[Input(4)]\n[Loss(LossKind.MeanSquaredError)]\n[Adam]"), "NG0003", "Net", new[] { "'Net'", "no layers", "[Dense(" }),
        ["DenseZero"] = new(Net("[Input(4)]\n[Dense(0)]\n[Loss(LossKind.MeanSquaredError)]\n[Adam]"), "NG0004", "0",
            new[] { "Layer 1 ([Dense]) units", "size 0", "between 1 and 16,777,216" }),
        ["DenseNegativeNamed"] = new(Net("[Input(4)]\n[Dense(activation: Activation.Sigmoid, units: -2)]\n[Loss(LossKind.BinaryCrossEntropy)]\n[Adam]"), "NG0004", "units: -2",
            new[] { "Layer 1 ([Dense]) units", "size -2" }),
        ["DenseTooWide"] = new(Net("[Input(4)]\n[Dense(16777217)]\n[Loss(LossKind.MeanSquaredError)]\n[Adam]"), "NG0004", "16777217",
            new[] { "size 16777217", "16,777,216" }),
        ["InputZero"] = new(Net(Valid.Replace("[Input(4)]", "[Input(0)]", StringComparison.Ordinal)), "NG0004", "0", new[] { "[Input] dimension 1", "size 0" }),
        ["InputNegative"] = new(Net(Valid.Replace("[Input(4)]", "[Input(-3)]", StringComparison.Ordinal)), "NG0004", "-3", new[] { "[Input] dimension 1", "size -3" }),
        ["InputSecondDimensionNegative"] = new(Net(Valid.Replace("[Input(4)]", "[Input(4, -3)]", StringComparison.Ordinal)), "NG0004", "-3", new[] { "[Input] dimension 2", "size -3" }),
        ["InputNoDimension"] = new(Net(Valid.Replace("[Input(4)]", "[Input]", StringComparison.Ordinal)), "NG0004", "Input", new[] { "no dimension" }),
        ["InputTooManyElements"] = new(Net(Valid.Replace("[Input(4)]", "[Input(16384, 16385)]", StringComparison.Ordinal)), "NG0004", "Input(16384, 16385)",
            new[] { "all dimensions", "268,435,456" }),
        ["SoftmaxOnHiddenLayer"] = new(Net(Valid.Replace("[Dense(8, Activation.ReLU)]", "[Dense(8, Activation.Softmax)]", StringComparison.Ordinal)), "NG0005",
            "Activation.Softmax", new[] { "Layer 1", "[Dense(8, Activation.Softmax)]", "only on the last layer" }, Line: "[Dense(8, Activation.Softmax)]"),
        ["SparseCrossEntropyWithoutSoftmax"] = new(Net(Valid.Replace("[Dense(3, Activation.Softmax)]", "[Dense(3, Activation.ReLU)]", StringComparison.Ordinal)), "NG0006",
            "Loss(LossKind.SparseCategoricalCrossEntropy)", new[] { "LossKind.SparseCategoricalCrossEntropy", "Dense(3, Activation.ReLU)", "Activation.Softmax" }),
        ["CategoricalCrossEntropyWithoutSoftmax"] = new(Net("[Input(4)]\n[Dense(3, Activation.Sigmoid)]\n[Loss(LossKind.CategoricalCrossEntropy)]\n[Adam]"), "NG0006",
            "Loss(LossKind.CategoricalCrossEntropy)", new[] { "LossKind.CategoricalCrossEntropy", "Dense(3, Activation.Sigmoid)", "softmax" }),
        ["BinaryCrossEntropyWithoutSigmoid"] = new(Net("[Input(4)]\n[Dense(1)]\n[Loss(LossKind.BinaryCrossEntropy)]\n[Sgd]"), "NG0006",
            "Loss(LossKind.BinaryCrossEntropy)", new[] { "LossKind.BinaryCrossEntropy", "Dense(1, Activation.Linear)", "Activation.Sigmoid" }),
        ["SoftmaxOverOneUnitWithSparseCrossEntropy"] = new(Net("[Input(4)]\n[Dense(1, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"), "NG0006",
            "Loss(LossKind.SparseCategoricalCrossEntropy)", new[] { "Dense(1, Activation.Softmax)", "one unit", "BinaryCrossEntropy" }),
        ["MissingLoss"] = new(Net(Without(Valid, "[Loss(LossKind.SparseCategoricalCrossEntropy)]")), "NG0007", "Net", new[] { "'Net'", "no loss", "[Loss(" }),
        ["MissingOptimizer"] = new(Net(Without(Valid, "[Adam]")), "NG0009", "Net", new[] { "'Net'", "no optimizer", "[Adam]", "[Sgd" }),
        ["SgdAndAdam"] = new(Net(Valid.Replace("[Adam]", "[Sgd]\n[Adam]", StringComparison.Ordinal)), "NG0010", "Adam", new[] { "'Net'", "2 optimizers", "exactly one" }),
        ["Generic"] = new(Net(Valid, "public partial class Net<T>\n{\n}"), "NG0012", "Net", new[] { "'Net'", "generic", "partial class" }),
        ["Nested"] = new("using NetGen;\n\nnamespace Demo;\n\npublic partial class Outer\n{\n" + Valid + "\npublic partial class Net\n{\n}\n}\n", "NG0012", "Net",
            new[] { "'Net'", "nested in another type", "top-level" }),
        ["Static"] = new(Net(Valid, "public static partial class Net\n{\n}"), "NG0012", "Net", new[] { "'Net'", "static" }),
        ["Abstract"] = new(Net(Valid, "public abstract partial class Net\n{\n}"), "NG0012", "Net", new[] { "'Net'", "abstract" }),
        ["Record"] = new(Net(Valid, "public partial record Net;"), "NG0012", "Net", new[] { "'Net'", "a record" }),
        ["AdamNegativeLearningRate"] = new(Net(Valid.Replace("[Adam]", "[Adam(LearningRate = -1f)]", StringComparison.Ordinal)), "NG0013", "LearningRate = -1f",
            new[] { "[Adam] LearningRate = -1 is invalid", "positive finite" }),
        ["AdamNaNLearningRate"] = new(Net(Valid.Replace("[Adam]", "[Adam(LearningRate = float.NaN)]", StringComparison.Ordinal)), "NG0013", "LearningRate = float.NaN",
            new[] { "[Adam] LearningRate = NaN is invalid" }),
        ["AdamBeta1One"] = new(Net(Valid.Replace("[Adam]", "[Adam(Beta1 = 1f)]", StringComparison.Ordinal)), "NG0013", "Beta1 = 1f",
            new[] { "[Adam] Beta1 = 1 is invalid", "[0, 1)" }),
        ["AdamZeroEpsilon"] = new(Net(Valid.Replace("[Adam]", "[Adam(Epsilon = 0f)]", StringComparison.Ordinal)), "NG0013", "Epsilon = 0f",
            new[] { "[Adam] Epsilon = 0 is invalid" }),
        ["SgdMomentumAboveOne"] = new(Net(Valid.Replace("[Adam]", "[Sgd(Momentum = 1.5f)]", StringComparison.Ordinal)), "NG0013", "Momentum = 1.5f",
            new[] { "[Sgd] Momentum = 1.5 is invalid", "[0, 1)" }),
        ["SgdInfiniteLearningRate"] = new(Net(Valid.Replace("[Adam]", "[Sgd(LearningRate = float.PositiveInfinity)]", StringComparison.Ordinal)), "NG0013",
            "LearningRate = float.PositiveInfinity", new[] { "[Sgd] LearningRate", "Infinity", "positive finite" }),
        ["UndefinedActivation"] = new(Net(Valid.Replace("[Dense(8, Activation.ReLU)]", "[Dense(8, (Activation)42)]", StringComparison.Ordinal)), "NG0014", "(Activation)42",
            new[] { "(Activation)42 is not a defined Activation value", "Linear, ReLU, Sigmoid, Tanh, Softmax" }),
        ["UndefinedLoss"] = new(Net(Valid.Replace("[Loss(LossKind.SparseCategoricalCrossEntropy)]", "[Loss((LossKind)9)]", StringComparison.Ordinal)), "NG0014", "(LossKind)9",
            new[] { "(LossKind)9 is not a defined LossKind value", "SparseCategoricalCrossEntropy" }),
        ["InputAfterDense"] = new(Net("[Dense(8, Activation.ReLU)]\n[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0015", "Input(4)", new[] { "after layer 1", "above the first layer" }),
        ["TwoDimensionalInputIntoDense"] = new(Net(Valid.Replace("[Input(4)]", "[Input(28, 28)]", StringComparison.Ordinal)), "NG0016", "Dense(8, Activation.ReLU)",
            new[] { "Layer 1", "2-dimensional input [28, 28]", "[Flatten]", "[Input(784)]" }),
        ["HugeNetwork"] = new(Net("[Input(16777216)]\n[Dense(16777216)]\n[Loss(LossKind.MeanSquaredError)]\n[Sgd]"), "NG0017", "Net",
            new[] { "'Net'", "281,474,993,487,872", "268,435,456" }),
        ["ConvolutionOnAVector"] = new(Net("[Input(784)]\n[Conv2D(6, 5)]\n[Flatten]\n[Dense(10, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0018", "Conv2D(6, 5)", new[] { "Layer 1", "[Conv2D(6, 5)]", "[784]", "[Input(height, width, channels)]" }),
        ["KernelLargerThanInput"] = new(Net("[Input(4, 6, 1)]\n[Conv2D(3, 5)]\n[Flatten]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0019", "Conv2D(3, 5)", new[] { "Layer 1", "[4, 6, 1]", "5×5 kernel", "Padding.Same" }),
        ["PoolWindowLargerThanInput"] = new(Net("[Input(8, 8, 1)]\n[Conv2D(4, 3)]\n[MaxPool2D(4)]\n[MaxPool2D(2)]\n[Flatten]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0019", "MaxPool2D(2)", new[] { "Layer 3", "[1, 1, 4]", "2×2 window" }),
        ["DropoutRateOne"] = new(Net("[Input(4)]\n[Dense(8, Activation.ReLU)]\n[Dropout(1f)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0020", "1f", new[] { "Layer 2", "Dropout(1)", "0.5f" }),
        ["FlattenLast"] = new(Net("[Input(4, 4, 1)]\n[Conv2D(2, 3)]\n[Flatten]\n[Loss(LossKind.MeanSquaredError)]\n[Adam]"),
            "NG0021", "Flatten", new[] { "Layer 2", "[Flatten]", "[Dense(10, Activation.Softmax)]" }),
        ["SoftmaxConvolution"] = new(Net("[Input(6, 6, 1)]\n[Conv2D(2, 3, Activation.Softmax)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0022", "Activation.Softmax", new[] { "Layer 1", "[Conv2D]", "Activation.ReLU" }),
        ["RecurrentOnFlatInput"] = new(Net("[Input(10)]\n[LSTM(4)]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0024", "LSTM(4)", new[] { "Layer 1", "[LSTM(4)]", "[10]", "[Input(steps, features)]", "[Embedding]" }),
        ["StackedRecurrentWithoutSequences"] = new(Net("[Input(5, 3)]\n[LSTM(4)]\n[GRU(6)]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0024", "GRU(6)", new[] { "Layer 2", "[GRU(6)]", "[4]", "ReturnSequences = true" }),
        ["RecurrentOnImage"] = new(Net("[Input(4, 4, 1)]\n[SimpleRNN(3)]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0024", "SimpleRNN(3)", new[] { "Layer 1", "[SimpleRNN(3)]", "[4, 4, 1]" }),
        ["EmbeddingAfterALayer"] = new(Net("[Input(5, 3)]\n[LSTM(4, ReturnSequences = true)]\n[Embedding(10, 4)]\n[Flatten]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0025", "Embedding(10, 4)", new[] { "Layer 2", "[Embedding(10, 4)]", "[5, 4]", "first layer" }),
        ["EmbeddingOnSequenceInput"] = new(Net("[Input(5, 3)]\n[Embedding(10, 4)]\n[Flatten]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0025", "Embedding(10, 4)", new[] { "Layer 1", "[5, 3]", "[Input(steps)]" }),
        ["SoftmaxSimpleRnn"] = new(Net("[Input(5, 3)]\n[SimpleRNN(4, Activation.Softmax)]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0026", "Activation.Softmax", new[] { "Layer 1", "[SimpleRNN]", "Activation.Tanh" }),
        ["ZeroUnitLstm"] = new(Net("[Input(5, 3)]\n[LSTM(0)]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0004", "0", new[] { "Layer 1 ([LSTM] units)" }),
        ["GeluSimpleRnn"] = new(Net("[Input(5, 3)]\n[SimpleRNN(4, Activation.GELU)]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0033", "Activation.GELU", new[] { "Layer 1", "[SimpleRNN]", "Activation.GELU", "pre-activations", "Activation.Tanh" }),
        ["SiluSimpleRnn"] = new(Net("[Input(5, 3)]\n[SimpleRNN(4, Activation.SiLU, ReturnSequences = true)]\n[Flatten]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0033", "Activation.SiLU", new[] { "Layer 1", "[SimpleRNN]", "Activation.SiLU" }),
        ["SoftmaxActivationLayer"] = new(Net("[Input(8)]\n[Dense(10)]\n[Activation(Activation.Softmax)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0034", "Activation.Softmax", new[] { "Layer 2", "[Activation(Activation.Softmax)]", "[Dense(10, Activation.Softmax)]" }),
        ["UndefinedActivationLayer"] = new(Net("[Input(8)]\n[Dense(10)]\n[Activation((Activation)42)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0014", "(Activation)42", new[] { "Layer 2 ([Activation]) activation", "GELU", "SiLU" }),
        ["ActivationLayerLast"] = new(Net("[Input(8)]\n[Dense(3)]\n[Activation(Activation.Sigmoid)]\n[Loss(LossKind.MeanSquaredError)]\n[Adam]"),
            "NG0021", "Activation(Activation.Sigmoid)", new[] { "Layer 2", "[Activation(Activation.Sigmoid)]" }),
        ["NegativeLeakySlope"] = new(Net("[Input(8)]\n[Dense(10, Activation.LeakyReLU, Alpha = -0.1f)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0045", "Alpha = -0.1f", new[] { "Layer 1 ([Dense])", "Alpha = -0.1", "LeakyReLU's negative slope must be finite and 0 or more", "Alpha = 0.3" }),
        ["ZeroEluAlpha"] = new(Net("[Input(6, 6, 1)]\n[Conv2D(2, 3, Activation.ELU, Alpha = 0f)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0045", "Alpha = 0f", new[] { "Layer 1 ([Conv2D])", "ELU's α must be finite and greater than 0", "Alpha = 1" }),
        ["InfiniteAlphaOnActivationLayer"] = new(Net("[Input(8)]\n[Dense(10)]\n[Activation(Activation.ELU, Alpha = float.PositiveInfinity)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0045", "Alpha = float.PositiveInfinity", new[] { "Layer 2 ([Activation])", "Infinity" }),
        ["AlphaOnRelu"] = new(Net("[Input(8)]\n[Dense(10, Activation.ReLU, Alpha = 0.2f)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0046", "Alpha = 0.2f", new[] { "Layer 1 ([Dense])", "Alpha = 0.2", "Activation.ReLU takes no parameter", "Activation.LeakyReLU" }),
        ["AlphaOnDefaultLinear"] = new(Net("[Input(8)]\n[Dense(10, Alpha = 0.2f)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0046", "Alpha = 0.2f", new[] { "Activation.Linear takes no parameter" }),
        ["LeakySimpleRnn"] = new(Net("[Input(5, 3)]\n[SimpleRNN(4, Activation.LeakyReLU)]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0047", "Activation.LeakyReLU", new[] { "Layer 1 ([SimpleRNN])", "Activation.LeakyReLU", "Activation.Tanh", "[Activation(Activation.LeakyReLU)]" }),
        ["ZeroLayerNormEpsilon"] = new(Net("[Input(8)]\n[Dense(10, Activation.ReLU)]\n[LayerNormalization(Epsilon = 0f)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0048", "Epsilon = 0f", new[] { "Layer 2 ([LayerNormalization])", "Epsilon = 0", "1e-3", "1e-5f" }),
        ["NaNLayerNormEpsilon"] = new(Net("[Input(8)]\n[LayerNormalization(Epsilon = float.NaN)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0048", "Epsilon = float.NaN", new[] { "Layer 1 ([LayerNormalization])", "Epsilon = NaN" }),
        ["LayerNormOnImage"] = new(Net("[Input(6, 6, 2)]\n[Conv2D(3, 3)]\n[LayerNormalization]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0049", "LayerNormalization", new[] { "Layer 2 ([LayerNormalization])", "(4, 4, 3)", "[Flatten]", "48 values" }),
        ["StrideBesideStrideHeight"] = new(Net("[Input(8, 8, 1)]\n[Conv2D(2, 3, Stride = 2, StrideHeight = 1)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0040", "StrideHeight = 1", new[] { "Layer 1", "[Conv2D]", "sets Stride and StrideHeight", "StrideWidth" }),
        ["DilationRateBesideDilationWidth"] = new(Net("[Input(8, 8, 2)]\n[DepthwiseConv2D(3, DilationRate = 2, DilationWidth = 1)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0040", "DilationWidth = 1", new[] { "Layer 1", "[DepthwiseConv2D]", "DilationRate", "DilationHeight" }),
        ["StrideWithDilation"] = new(Net("[Input(8, 8, 1)]\n[Conv2D(2, 3, Stride = 2, DilationRate = 2)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0041", "DilationRate = 2", new[] { "Layer 1", "[Conv2D]", "stride 2", "dilation 2", "Keras" }),
        ["DepthwiseStrideWidthWithDilationHeight"] = new(Net("[Input(8, 8, 1)]\n[DepthwiseConv2D(3, StrideWidth = 2, DilationHeight = 2)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0041", "DilationHeight = 2", new[] { "[DepthwiseConv2D]", "stride 1×2", "dilation 2×1" }),
        ["ZeroDilation"] = new(Net("[Input(8, 8, 1)]\n[Conv2D(2, 3, DilationRate = 0)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0004", "DilationRate = 0", new[] { "Layer 1 ([Conv2D] DilationRate)" }),
        ["ZeroKernelWidth"] = new(Net("[Input(8, 8, 1)]\n[Conv2D(2, 3, 0)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0004", "0", new[] { "Layer 1 ([Conv2D] kernel width)" }),
        ["ZeroDepthMultiplier"] = new(Net("[Input(8, 8, 2)]\n[DepthwiseConv2D(3, DepthMultiplier = 0)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0004", "DepthMultiplier = 0", new[] { "Layer 1 ([DepthwiseConv2D] DepthMultiplier)" }),
        ["RectangularKernelTooWide"] = new(Net("[Input(8, 4, 1)]\n[Conv2D(2, 3, 5)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0019", "Conv2D(2, 3, 5)", new[] { "Layer 1", "[Conv2D(2, 3, 5)]", "3×5 kernel", "8×4" }),
        ["DilatedKernelTooLarge"] = new(Net("[Input(6, 6, 1)]\n[DepthwiseConv2D(3, DilationRate = 3)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0019", "DepthwiseConv2D(3, DilationRate = 3)", new[] { "[DepthwiseConv2D(3)]", "dilated to 7×7", "Padding.Same" }),
        ["SoftmaxDepthwise"] = new(Net("[Input(6, 6, 2)]\n[DepthwiseConv2D(3, Activation.Softmax)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0022", "Activation.Softmax", new[] { "Layer 1" }),
        ["DepthwiseOnVector"] = new(Net("[Input(16)]\n[DepthwiseConv2D(3)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0018", "DepthwiseConv2D(3)", new[] { "[DepthwiseConv2D(3)]", "[16]" }),
        ["CausalPaddingOnConv2D"] = new(Net("[Input(6, 6, 1)]\n[Conv2D(2, 3, Padding = Padding.Causal)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n" + Tail),
            "NG0035", "Padding = Padding.Causal", new[] { "Layer 1 ([Conv2D])", "only [Conv1D]", "Padding.Same" }),
        ["CausalPaddingOnPool"] = new(Net("[Input(6, 6, 1)]\n[MaxPool2D(2, Padding = Padding.Causal)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n" + Tail),
            "NG0035", "Padding = Padding.Causal", new[] { "Layer 1 ([MaxPool2D])", "Padding.Valid" }),
        ["SoftmaxConv1D"] = new(Net("[Input(8, 3)]\n[Conv1D(4, 3, Activation.Softmax)]\n[GlobalMaxPooling1D]\n[Dense(3, Activation.Softmax)]\n" + Tail),
            "NG0036", "Activation.Softmax", new[] { "Layer 1", "[Conv1D]", "Activation.ReLU" }),
        ["Conv1DKernelLongerThanInput"] = new(Net("[Input(6, 3)]\n[Conv1D(4, 4, DilationRate = 2)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n" + Tail),
            "NG0019", "Conv1D(4, 4, DilationRate = 2)", new[] { "Layer 1", "[6, 3]", "spans 7 steps", "dilation 2", "Padding.Causal" }),
        ["AdamWNegativeWeightDecay"] = new(Net(Valid.Replace("[Adam]", "[AdamW(WeightDecay = -0.1f)]", StringComparison.Ordinal)), "NG0060", "WeightDecay = -0.1f",
            new[] { "[AdamW] WeightDecay = -0.1 is invalid", "at least 0" }),
        ["SgdNaNWeightDecay"] = new(Net(Valid.Replace("[Adam]", "[Sgd(WeightDecay = float.NaN)]", StringComparison.Ordinal)), "NG0060", "WeightDecay = float.NaN",
            new[] { "[Sgd] WeightDecay = NaN is invalid" }),
        ["RMSpropRhoOne"] = new(Net(Valid.Replace("[Adam]", "[RMSprop(Rho = 1f)]", StringComparison.Ordinal)), "NG0061", "Rho = 1f",
            new[] { "[RMSprop] Rho = 1 is outside (0, 1)", "0.99f" }),
        ["RMSpropRhoZero"] = new(Net(Valid.Replace("[Adam]", "[RMSprop(Rho = 0f)]", StringComparison.Ordinal)), "NG0061", "Rho = 0f",
            new[] { "[RMSprop] Rho = 0 is outside (0, 1)" }),
        ["RMSpropNegativeMomentum"] = new(Net(Valid.Replace("[Adam]", "[RMSprop(Momentum = -0.5f)]", StringComparison.Ordinal)), "NG0013", "Momentum = -0.5f",
            new[] { "[RMSprop] Momentum = -0.5 is invalid", "[0, 1)" }),
        ["NesterovWithoutMomentum"] = new(Net(Valid.Replace("[Adam]", "[Sgd(Nesterov = true)]", StringComparison.Ordinal)), "NG0062", "Nesterov = true",
            new[] { "[Sgd] Nesterov = true needs a momentum", "Momentum = 0.9f" }),
        ["TwoClipModes"] = new(Net(Valid.Replace("[Adam]", "[Adam(ClipNorm = 1f, GlobalClipNorm = 1f)]", StringComparison.Ordinal)), "NG0063", "GlobalClipNorm = 1f",
            new[] { "[Adam] sets both ClipNorm and GlobalClipNorm", "keep one" }),
        ["ZeroClipValue"] = new(Net(Valid.Replace("[Adam]", "[Sgd(ClipValue = 0f)]", StringComparison.Ordinal)), "NG0064", "ClipValue = 0f",
            new[] { "[Sgd] ClipValue = 0 is invalid", "positive finite", "leave ClipValue out" }),
        ["NegativeGlobalClipNorm"] = new(Net(Valid.Replace("[Adam]", "[RMSprop(GlobalClipNorm = -1f)]", StringComparison.Ordinal)), "NG0064", "GlobalClipNorm = -1f",
            new[] { "[RMSprop] GlobalClipNorm = -1 is invalid" }),
        ["DecayScopeWithoutDecay"] = new(Net(Valid.Replace("[Adam]", "[Adam(WeightDecayApplies = WeightDecayScope.WeightsOnly)]", StringComparison.Ordinal)), "NG0065",
            "WeightDecayApplies = WeightDecayScope.WeightsOnly", new[] { "[Adam] WeightDecayApplies = WeightDecayScope.WeightsOnly has no effect", "WeightDecay is 0" }),
        ["DecoupledDecayTooLarge"] = new(Net(Valid.Replace("[Adam]", "[AdamW(LearningRate = 0.05f, WeightDecay = 20f)]", StringComparison.Ordinal)), "NG0066", "WeightDecay = 20f",
            new[] { "[AdamW] LearningRate × WeightDecay", "is 1 or more", "1 − lr·λ" }),
        ["UndefinedDecayScope"] = new(Net(Valid.Replace("[Adam]", "[AdamW(WeightDecayApplies = (WeightDecayScope)5)]", StringComparison.Ordinal)), "NG0014",
            "WeightDecayApplies = (WeightDecayScope)5", new[] { "(WeightDecayScope)5", "AllTrainable, WeightsOnly" }),
        ["Conv1DZeroDilation"] = new(Net("[Input(6, 3)]\n[Conv1D(4, 2, DilationRate = 0)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n" + Tail),
            "NG0004", "DilationRate = 0", new[] { "Layer 1 ([Conv1D] DilationRate)", "size 0" }),
        ["Conv1DOnImage"] = new(Net("[Input(6, 6, 1)]\n[Conv1D(4, 2)]\n[Flatten]\n[Dense(3, Activation.Softmax)]\n" + Tail),
            "NG0024", "Conv1D(4, 2)", new[] { "Layer 1", "[Conv1D(4, 2)]", "[6, 6, 1]" }),
        ["GlobalPooling1DOnImage"] = new(Net("[Input(6, 6, 2)]\n[GlobalMaxPooling1D]\n[Dense(3, Activation.Softmax)]\n" + Tail),
            "NG0024", "GlobalMaxPooling1D", new[] { "Layer 1", "[GlobalMaxPooling1D]", "[6, 6, 2]" }),
        ["GlobalPooling2DOnSequence"] = new(Net("[Input(6, 4)]\n[GlobalAveragePooling2D]\n[Dense(3, Activation.Softmax)]\n" + Tail),
            "NG0018", "GlobalAveragePooling2D", new[] { "Layer 1", "[GlobalAveragePooling2D]", "[6, 4]" }),
        ["BatchNormalizationMomentumOne"] = new(Net("[Input(8)]\n[Dense(10)]\n[BatchNormalization(Momentum = 1f)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0050", "Momentum = 1f", new[] { "Layer 2 ([BatchNormalization]) Momentum = 1 is invalid", "[0, 1)", "momentum=0.01" }),
        ["BatchNormalizationZeroEpsilon"] = new(Net("[Input(8)]\n[Dense(10)]\n[BatchNormalization(Epsilon = 0f)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0050", "Epsilon = 0f", new[] { "Layer 2 ([BatchNormalization]) Epsilon = 0 is invalid", "above 0" }),
        ["BatchNormalizationNaNEpsilon"] = new(Net("[Input(8)]\n[Dense(10)]\n[BatchNormalization(Epsilon = float.NaN)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0050", "Epsilon = float.NaN", new[] { "Epsilon = NaN is invalid" }),
        ["LabelSmoothingOne"] = new(Net("[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy, LabelSmoothing = 1f)]\n[Adam]"),
            "NG0070", "LabelSmoothing = 1f", new[] { "[Loss(LossKind.SparseCategoricalCrossEntropy)] LabelSmoothing = 1 is invalid", "[0, 1)" }),
        ["LabelSmoothingNegative"] = new(Net("[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.CategoricalCrossEntropy, LabelSmoothing = -0.1f)]\n[Adam]"),
            "NG0070", "LabelSmoothing = -0.1f", new[] { "LabelSmoothing = -0.1 is invalid" }),
        ["LabelSmoothingNaN"] = new(Net("[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.CategoricalCrossEntropy, LabelSmoothing = float.NaN)]\n[Adam]"),
            "NG0070", "LabelSmoothing = float.NaN", new[] { "LabelSmoothing = NaN is invalid" }),
        ["LabelSmoothingOnMeanSquaredError"] = new(Net("[Input(4)]\n[Dense(2)]\n[Loss(LossKind.MeanSquaredError, LabelSmoothing = 0.1f)]\n[Adam]"),
            "NG0071", "LabelSmoothing = 0.1f", new[] { "[Loss(LossKind.MeanSquaredError)] sets LabelSmoothing = 0.1", "CategoricalCrossEntropy" }),
        ["LabelSmoothingOnBinaryCrossEntropy"] = new(Net("[Input(4)]\n[Dense(1, Activation.Sigmoid)]\n[Loss(LossKind.BinaryCrossEntropy, LabelSmoothing = 0.1f)]\n[Adam]"),
            "NG0071", "LabelSmoothing = 0.1f", new[] { "[Loss(LossKind.BinaryCrossEntropy)]" }),
        ["HuberDeltaZero"] = new(Net("[Input(4)]\n[Dense(2)]\n[Loss(LossKind.Huber, Delta = 0f)]\n[Adam]"),
            "NG0072", "Delta = 0f", new[] { "[Loss(LossKind.Huber)] Delta = 0 is invalid", "positive" }),
        ["HuberDeltaInfinite"] = new(Net("[Input(4)]\n[Dense(2)]\n[Loss(LossKind.Huber, Delta = float.PositiveInfinity)]\n[Adam]"),
            "NG0072", "Delta = float.PositiveInfinity", new[] { "Delta = Infinity is invalid" }),
        ["DeltaOnMeanAbsoluteError"] = new(Net("[Input(4)]\n[Dense(2)]\n[Loss(LossKind.MeanAbsoluteError, Delta = 2f)]\n[Adam]"),
            "NG0073", "Delta = 2f", new[] { "[Loss(LossKind.MeanAbsoluteError)] sets Delta = 2", "LossKind.Huber" }),
        ["DefaultDeltaOnSparse"] = new(Net("[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy, Delta = 1f)]\n[Adam]"),
            "NG0073", "Delta = 1f", new[] { "sets Delta = 1" }),
        ["ZeroVocabulary"] = new(Net("[Input(5)]\n[Embedding(0, 4)]\n[Flatten]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0004", "0", new[] { "Layer 1 ([Embedding] vocabulary)" }),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ReportsOneErrorAtTheRightPlaceAndGeneratesNothing(string name)
    {
        Case c = Cases[name];
        GeneratorRun run = GeneratorHarness.Run(c.Source);

        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratedSources);
        Diagnostic d = Assert.Single(NetGenDiagnostics(run));
        Assert.Equal(c.Id, d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(c.Span, SpanText(run, d));
        if (c.Line is not null) Assert.Contains(c.Line, LineText(run, d), StringComparison.Ordinal);
        string message = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string keyword in c.Keywords) Assert.Contains(keyword, message, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\{\d\}", message);
    }

    [Fact]
    public void EveryDiagnosticIdHasATest()
    {
        var covered = Cases.Values.Select(c => c.Id).ToHashSet();
        covered.Add("NG0008");  // TwoLossesAreRejectedByTheCompiler…
        covered.Add("NG0011");  // AttributesOverTwoPartialDeclarations
        covered.Add("NG0023");  // ReservedNamesTests
        covered.UnionWith(WarningTests.Cases.Values.Select(c => c.Id));
        var ids = AllDescriptors().Select(d => d.Id).Where(id => id != "NG9999").ToList();
        Assert.True(ids.Count >= 21, $"only {ids.Count} descriptors found");
        Assert.All(ids, id => Assert.Contains(id, covered));
    }

    [Fact]
    public void DescriptorsHaveStableUniqueIdsSeveritiesByRangeReleaseNotesAndHelpPages()
    {
        DiagnosticDescriptor[] all = AllDescriptors();
        Assert.Equal(all.Length, all.Select(d => d.Id).Distinct().Count());
        string releases = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "NetGen.Generator", "AnalyzerReleases.Unshipped.md"))
            + File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "NetGen.Generator", "AnalyzerReleases.Shipped.md"));
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "diagnostics.md"));
        foreach (DiagnosticDescriptor d in all)
        {
            Assert.Matches("^NG[0-9]{4}$", d.Id);
            // NG0001…NG0099 and NG9999 are errors (nothing is generated); NG0100… are warnings (the network is generated).
            int number = int.Parse(d.Id.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
            DiagnosticSeverity expected = number is >= 100 and < 9000 ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error;
            Assert.Equal(expected, d.DefaultSeverity);
            Assert.True(d.IsEnabledByDefault);
            Assert.Equal("NetGen", d.Category);
            // No made-up address: the link is empty and the message names the section of the docs the package ships.
            Assert.True(string.IsNullOrEmpty(d.HelpLinkUri), $"{d.Id} links to {d.HelpLinkUri}");
            Assert.EndsWith($"(see docs/diagnostics.md#{d.Id.ToLowerInvariant()} in the NetGen package)", d.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            Assert.Contains($"{d.Id} | NetGen | {expected} | {d.Title}", releases, StringComparison.Ordinal);
            // The help link's anchor exists: docs/diagnostics.md has a section per ID.
            Assert.Contains($"<a id=\"{d.Id.ToLowerInvariant()}\"></a>", docs, StringComparison.Ordinal);
            Assert.Contains($"## {d.Id}: {d.Title}", docs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ValidNetworkHasNoGeneratorDiagnostics()
    {
        GeneratorRun run = GeneratorHarness.Run(Net(Valid));
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(new[] { "Demo.Net.Kernels.g.cs", "Demo.Net.Trainer.g.cs", "Demo.Net.g.cs" }, run.GeneratedSources.Keys.Order(StringComparer.Ordinal));
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Format(run.OutputDiagnostics));
    }

    [Fact]
    public void TwoLossesAreRejectedByTheCompilerAndAlsoReportedAsNG0008()
    {
        // [Loss] has AllowMultiple = false, so the compiler reports CS0579 first. Roslyn still hands both attributes
        // to the generator, which reports NG0008 on the second one; nothing is generated.
        string source = Net(Valid.Replace("[Adam]", "[Loss(LossKind.MeanSquaredError)]\n[Adam]", StringComparison.Ordinal));
        GeneratorRun run = GeneratorHarness.Run(source);

        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratedSources);
        Assert.Contains(run.InputCompilation.GetDiagnostics(), d => d.Id == "CS0579");
        Diagnostic d = Assert.Single(NetGenDiagnostics(run));
        Assert.Equal("NG0008", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("Loss(LossKind.MeanSquaredError)", SpanText(run, d));
        Assert.Contains("2 losses", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ASecondInputAfterTheLayersIsReportedAndNothingIsGenerated()
    {
        // Several [Input]s are allowed (AllowMultiple), but each must come before the layers.
        string source = Net(Valid.Replace("[Adam]", "[Input(5)]\n[Adam]", StringComparison.Ordinal));
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.DoesNotContain(run.InputCompilation.GetDiagnostics(), d => d.Id == "CS0579");
        Assert.Contains(NetGenDiagnostics(run), d => d.Id == "NG0015");
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void AttributesOverTwoPartialDeclarations()
    {
        const string first = """
            using NetGen;

            namespace Demo;

            [Input(4)]
            [Dense(8, Activation.ReLU)]
            public partial class Net
            {
            }
            """;
        const string second = """
            using NetGen;

            namespace Demo;

            [Dense(3, Activation.Softmax)]
            [Loss(LossKind.SparseCategoricalCrossEntropy)]
            [Adam]
            public partial class Net
            {
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(first, second);

        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratedSources);
        Diagnostic d = Assert.Single(NetGenDiagnostics(run));
        Assert.Equal("NG0011", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("Net", SpanText(run, d));
        Assert.Equal("/src/Source0.cs", d.Location.GetLineSpan().Path); // the declaration carrying [Input]
        Assert.Contains("several partial declarations", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AttributesOnOnePartialAndMembersOnAnotherAreFine()
    {
        const string members = "namespace Demo;\n\npublic partial class Net\n{\n    public int Extra => 1;\n}\n";
        GeneratorRun run = GeneratorHarness.Run(Net(Valid), members);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(3, run.GeneratedSources.Count);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Format(run.OutputDiagnostics));
    }

    [Fact]
    public void LayersWithoutInputOverTwoPartialsReportNG0002Once()
    {
        const string first = "using NetGen;\nnamespace Demo;\n[Dense(8, Activation.ReLU)]\npublic partial class Net { }\n";
        const string second = "using NetGen;\nnamespace Demo;\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]\npublic partial class Net { }\n";
        GeneratorRun run = GeneratorHarness.Run(first, second);

        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratedSources);
        Diagnostic d = Assert.Single(NetGenDiagnostics(run));
        Assert.Equal("NG0002", d.Id);
        Assert.Equal("/src/Source0.cs", d.Location.GetLineSpan().Path);
    }

    [Fact]
    public void HugeNetworkIsRejectedWithoutAllocatingItsParameters()
    {
        string source = Cases["HugeNetwork"].Source;
        CSharpCompilationHolder.Warm();
        long before = GC.GetAllocatedBytesForCurrentThread();
        GeneratorRun run = GeneratorHarness.Run(source);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("NG0017", Assert.Single(NetGenDiagnostics(run)).Id);
        Assert.True(allocated < 256L << 20, $"The generator run allocated {allocated:N0} bytes on this thread");
    }

    [Fact]
    public void SeveralProblemsAreAllReported()
    {
        // Not partial, a zero-width layer and an invalid learning rate: three independent errors, one run.
        string source = Net(Valid.Replace("[Dense(8, Activation.ReLU)]", "[Dense(0, Activation.ReLU)]", StringComparison.Ordinal)
                                 .Replace("[Adam]", "[Adam(LearningRate = 0f)]", StringComparison.Ordinal), "public class Net\n{\n}");
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal(new[] { "NG0001", "NG0004", "NG0013" }, NetGenDiagnostics(run).Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AnInvalidLastLayerDoesNotAlsoBlameTheLoss()
    {
        // Regression test: with the last layer invalid, the loss check used to look at the previous (hidden) layer
        // and add a misleading NG0006 "does not fit the last layer (Dense(8, Activation.ReLU))".
        string source = Net(Valid.Replace("[Dense(3, Activation.Softmax)]", "[Dense(0, Activation.Softmax)]", StringComparison.Ordinal));
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal("NG0004", Assert.Single(NetGenDiagnostics(run)).Id);
    }

    [Fact]
    public void LayerNumbersCountInvalidLayersToo()
    {
        // The second [Dense] is layer 2 even though the first one is invalid.
        string source = Net("[Input(4)]\n[Dense(0)]\n[Dense(-1)]\n[Loss(LossKind.MeanSquaredError)]\n[Sgd]");
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Diagnostic[] ds = NetGenDiagnostics(run).OrderBy(d => d.Location.SourceSpan.Start).ToArray();
        Assert.Equal(2, ds.Length);
        Assert.StartsWith("Layer 1 ", ds[0].GetMessage(), StringComparison.Ordinal);
        Assert.StartsWith("Layer 2 ", ds[1].GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void NullInputShapeIsReportedNotSilentlyIgnored()
    {
        // [Input(null)] compiles (params int[] receives null). The generator must say something rather than
        // generate nothing without a word, which leaves the user with unexplained missing members.
        string source = Net(Valid.Replace("[Input(4)]", "[Input(null)]", StringComparison.Ordinal));
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.DoesNotContain(run.InputCompilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.GeneratedSources);
        Diagnostic d = Assert.Single(NetGenDiagnostics(run));
        Assert.Equal("NG0004", d.Id);
    }

    [Fact]
    public void CompilerErrorsInArgumentsAreLeftToTheCompiler()
    {
        // An undefined name in an argument: the compiler reports CS0103; the generator must neither throw nor pile on.
        string source = Net(Valid.Replace("[Dense(8, Activation.ReLU)]", "[Dense(Width, Activation.ReLU)]", StringComparison.Ordinal));
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Contains(run.InputCompilation.GetDiagnostics(), d => d.Id == "CS0103");
        Assert.Empty(NetGenDiagnostics(run));
        Assert.Empty(run.GeneratedSources);
    }

    [Theory]
    [InlineData("public partial struct Net\n{\n}")]
    [InlineData("public partial interface Net\n{\n}")]
    [InlineData("public partial record struct Net;")]
    public void AttributesOnNonClassesNeverThrow(string declaration)
    {
        // [Input] only targets classes (CS0592). Whatever the generator sees, it must not throw or generate.
        GeneratorRun run = GeneratorHarness.Run(Net(Valid, declaration));
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Contains(run.InputCompilation.GetDiagnostics(), d => d.Id == "CS0592");
        Assert.Empty(run.GeneratedSources);
        Assert.All(NetGenDiagnostics(run), d => Assert.Equal("NG0012", d.Id));
    }

    [Fact]
    public void IncompleteSourceWhileTypingNeverThrows()
    {
        // Half-typed attributes as the IDE sees them.
        string[] sources =
        {
            Net("[Input(]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            Net("[Input(4)]\n[Dense(]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            Net("[Input(4)]\n[Dense(3, Activation.)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            Net("[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss()]\n[Adam(LearningRate = )]"),
            Net("[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam(Nope = 1f)]"),
            Net("[Input(4)]\n[Dense(3, Activation.Softmax, 7)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            Net(Valid, "public partial class"),
            Net(Valid, "public partial class Net"),
        };
        foreach (string source in sources)
        {
            GeneratorRun run = GeneratorHarness.Run(source);
            GeneratorHarness.AssertGeneratorDidNotThrow(run);
        }
    }

    [Fact]
    public void ClassWithoutANameWhileTypingGeneratesNothing()
    {
        // `public partial class` with the name not typed yet: the symbol's name is empty. Generating
        // `partial class  : INetwork<>` into "Demo..g.cs" piles ~120 errors on the user's 3.
        GeneratorRun run = GeneratorHarness.Run(Net(Valid, "public partial class"));
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratedSources);
        Assert.Empty(NetGenDiagnostics(run));
    }

    internal static Diagnostic[] NetGenDiagnostics(GeneratorRun run) =>
        run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("NG", StringComparison.Ordinal)).ToArray();

    /// <summary>
    /// The source text under a diagnostic. Generator diagnostics carry locations rebuilt from plain data
    /// (<c>Location.Create(path, span, lineSpan)</c>), so find the tree by path.
    /// </summary>
    internal static string SpanText(GeneratorRun run, Diagnostic d)
    {
        Assert.NotEqual(Location.None, d.Location);
        SyntaxTree tree = run.InputCompilation.SyntaxTrees.Single(t => t.FilePath == d.Location.GetLineSpan().Path);
        return tree.GetText().ToString(d.Location.SourceSpan);
    }

    private static string LineText(GeneratorRun run, Diagnostic d)
    {
        SyntaxTree tree = run.InputCompilation.SyntaxTrees.Single(t => t.FilePath == d.Location.GetLineSpan().Path);
        int line = d.Location.GetLineSpan().StartLinePosition.Line;
        return tree.GetText().Lines[line].ToString();
    }

    private static DiagnosticDescriptor[] AllDescriptors()
    {
        Type type = GeneratorHarness.GeneratorAssembly.GetType("NetGen.Generator.Diagnostics.DiagnosticDescriptors", throwOnError: true)!;
        var all = (IEnumerable<DiagnosticDescriptor>)type.GetProperty("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        return all.ToArray();
    }

    internal static string RepositoryRoot([CallerFilePath] string file = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(file)!); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "src", "NetGen.Generator"))) return dir.FullName;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "src", "NetGen.Generator"))) return dir.FullName;
        }
        throw new InvalidOperationException("Cannot find the repository root.");
    }

    /// <summary>Loads the references and JITs Roslyn once, so allocation measurements see only the generator's run.</summary>
    private static class CSharpCompilationHolder
    {
        public static void Warm() => GeneratorHarness.Run(Net(Valid));
    }
}
