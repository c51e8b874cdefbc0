using Microsoft.CodeAnalysis;

namespace NetGen.Generator.Tests;

/// <summary>
/// One network per warning (NG0100…): the ID, Warning severity, where it points, key words of the message, and — unlike
/// errors — the network is still generated, and the generated code compiles cleanly.
/// </summary>
public sealed class WarningTests
{
    private static string Net(string attributes, string declaration = "public partial class Net\n{\n}") =>
        $"using NetGen;\n\nnamespace Demo;\n\n{attributes}\n{declaration}\n";

    private const string Classifier = "[Input(4)]\n[Dense(8, Activation.ReLU)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n";

    /// <param name="Span">The exact text the diagnostic's location covers.</param>
    public sealed record Case(string Source, string Id, string Span, string[] Keywords);

    internal static readonly Dictionary<string, Case> Cases = new()
    {
        ["AdamLearningRateTooHigh"] = new(Net(Classifier + "[Adam(LearningRate = 0.5f)]"), "NG0100", "LearningRate = 0.5f",
            new[] { "[Adam] LearningRate = 0.5 is very large", "between 1E-06 and 0.1", "diverge", "LearningRate = 1e-3f" }),
        ["AdamLearningRateTooLow"] = new(Net(Classifier + "[Adam(LearningRate = 1e-9f)]"), "NG0100", "LearningRate = 1e-9f",
            new[] { "[Adam] LearningRate = 1E-09 is very small", "barely move" }),
        ["SgdLearningRateTooHigh"] = new(Net(Classifier + "[Sgd(LearningRate = 2f, Momentum = 0.9f)]"), "NG0100", "LearningRate = 2f",
            new[] { "[Sgd] LearningRate = 2 is very large", "between 1E-06 and 1", "LearningRate = 0.01f" }),
        ["AdamBetasSwapped"] = new(Net(Classifier + "[Adam(Beta1 = 0.999f, Beta2 = 0.9f)]"), "NG0101", "Beta2 = 0.9f",
            new[] { "Beta2 = 0.9 is not larger than Beta1 = 0.999", "swap", "Beta1 = 0.9f, Beta2 = 0.999f" }),
        ["AdamBeta1AboveTheDefaultBeta2"] = new(Net(Classifier + "[Adam(Beta1 = 0.9999f)]"), "NG0101", "Beta1 = 0.9999f",
            new[] { "Beta2 = 0.999 is not larger than Beta1 = 0.9999" }),
        ["SoftmaxWithMeanSquaredError"] = new(Net("[Input(4)]\n[Dense(8, Activation.ReLU)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.MeanSquaredError)]\n[Adam]"),
            "NG0102", "Activation.Softmax", new[] { "Layer 2 ([Dense(3, Activation.Softmax)])", "MeanSquaredError", "LossKind.SparseCategoricalCrossEntropy" }),
        ["SoftmaxOverOneUnitWithMeanSquaredError"] = new(Net("[Input(4)]\n[Dense(1, Activation.Softmax)]\n[Loss(LossKind.MeanSquaredError)]\n[Sgd]"),
            "NG0102", "Activation.Softmax", new[] { "Layer 1 ([Dense(1, Activation.Softmax)])", "always outputs 1", "Activation.Sigmoid" }),
        ["SoftmaxWithMeanAbsoluteError"] = new(Net("[Input(4)]\n[Dense(8, Activation.ReLU)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.MeanAbsoluteError)]\n[Adam]"),
            "NG0102", "Activation.Softmax", new[] { "Layer 2 ([Dense(3, Activation.Softmax)])", "[Loss(LossKind.MeanAbsoluteError)]", "LabelSmoothing" }),
        ["SoftmaxWithHuber"] = new(Net("[Input(4)]\n[Dense(5, Activation.Softmax)]\n[Loss(LossKind.Huber, Delta = 0.5f)]\n[Sgd]"),
            "NG0102", "Activation.Softmax", new[] { "Layer 1 ([Dense(5, Activation.Softmax)])", "[Loss(LossKind.Huber)]", "does not grow with the error" }),
        ["HiddenLayerWithoutActivation"] = new(Net("[Input(4)]\n[Dense(8)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0103", "Dense(8)", new[] { "Layer 1 ([Dense(8)])", "with layer 2", "32 weights", "[Dense(8, Activation.ReLU)]" }),
        ["HiddenLayerWithExplicitLinear"] = new(Net("[Input(6)]\n[Dense(16, Activation.Tanh)]\n[Dense(9, Activation.Linear)]\n[Dense(3, Activation.Sigmoid)]\n[Loss(LossKind.BinaryCrossEntropy)]\n[Sgd(LearningRate = 0.05f)]"),
            "NG0103", "Activation.Linear", new[] { "Layer 2 ([Dense(9, Activation.Linear)])", "with layer 3", "144 weights" }),
        ["MaskWithoutRecurrentLayer"] = new(Net("[Input(6)]\n[Embedding(10, 4, MaskZero = true)]\n[Flatten]\n[Dense(2, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]"),
            "NG0104", "MaskZero = true", new[] { "Layer 1 ([Embedding])", "no recurrent layer", "[LSTM]" }),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ReportsOneWarningAtTheRightPlaceAndStillGenerates(string name)
    {
        Case c = Cases[name];
        GeneratorRun run = GeneratorHarness.Run(c.Source);

        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Diagnostic d = Assert.Single(DiagnosticTests.NetGenDiagnostics(run));
        Assert.Equal(c.Id, d.Id);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal(c.Span, DiagnosticTests.SpanText(run, d));
        string message = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string keyword in c.Keywords) Assert.Contains(keyword, message, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\{\d\}", message);

        // A warning never stops generation: the network is there and compiles without warnings of its own.
        Assert.Equal(new[] { "Demo.Net.Kernels.g.cs", "Demo.Net.Trainer.g.cs", "Demo.Net.g.cs" }, run.GeneratedSources.Keys.Order(StringComparer.Ordinal));
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Format(run.OutputDiagnostics));
    }

    [Theory]
    [InlineData("[Input(8)]\n[Dense(2)]\n[Dense(8, Activation.Sigmoid)]\n[Loss(LossKind.MeanSquaredError)]\n[Adam]")] // linear bottleneck: narrower than both neighbours
    [InlineData("[Input(4)]\n[Dense(8, Activation.ReLU)]\n[Dense(1)]\n[Loss(LossKind.MeanSquaredError)]\n[Adam(LearningRate = 0.1f)]")] // Adam's upper bound itself
    [InlineData("[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Sgd(LearningRate = 1f)]")] // SGD's upper bound itself
    [InlineData("[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam(LearningRate = 1e-6f, Beta1 = 0.5f, Beta2 = 0.6f)]")]
    [InlineData("[Input(4)]\n[Dense(3, Activation.Sigmoid)]\n[Loss(LossKind.MeanSquaredError)]\n[Adam]")] // MSE through sigmoid is fine
    public void SensibleNetworksGetNoWarning(string attributes)
    {
        GeneratorRun run = GeneratorHarness.Run(Net(attributes));
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(3, run.GeneratedSources.Count);
    }

    [Fact]
    public void PragmaWarningDisableSilencesAWarning()
    {
        // What docs/diagnostics.md tells users who mean it: generator warnings honour #pragma like compiler warnings.
        string source = Net("#pragma warning disable NG0102 // deliberately: MSE through softmax\n[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.MeanSquaredError)]\n[Adam]\n#pragma warning restore NG0102");
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "NG0102" && !d.IsSuppressed);
        Assert.Equal(3, run.GeneratedSources.Count);
    }

    [Fact]
    public void WarningsAreReportedBesideErrorsAndErrorsStillStopGeneration()
    {
        GeneratorRun run = GeneratorHarness.Run(Net(Classifier + "[Adam(LearningRate = 5f)]", "public class Net\n{\n}"));
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratedSources);
        Assert.Equal(new[] { "NG0001", "NG0100" }, DiagnosticTests.NetGenDiagnostics(run).Select(d => d.Id).Order(StringComparer.Ordinal));
    }
}
