using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NetGen.Generator.Tests;

/// <summary>
/// Step tracking on one driver instance: edits that do not touch a network's attributes must leave the
/// <c>Specs</c> step and the source output cached; changing a layer must regenerate.
/// </summary>
public sealed class IncrementalityTests
{
    private const string NetworkPath = "/src/Network.cs";
    private const string OtherPath = "/src/Other.cs";

    private const string Unrelated = """
        namespace Demo;

        public static class Helpers
        {
            public static int Twice(int x) => 2 * x;
        }
        """;

    /// <summary>The tracking names, read from the generator so the test follows a rename.</summary>
    private static string Name(string constant) =>
        (string)GeneratorHarness.GeneratorAssembly.GetType("NetGen.Generator.TrackingNames", throwOnError: true)!
            .GetField(constant)!.GetRawConstantValue()!;

    private static readonly string Specs = Name("Specs");
    private static readonly string ParseInput = Name("ParseInput");

    private static (GeneratorDriver Driver, CSharpCompilation Compilation, GeneratorRun First) Start()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(new[]
        {
            GeneratorHarness.Parse(Networks.Seed, NetworkPath),
            GeneratorHarness.Parse(Unrelated, OtherPath),
        });
        GeneratorRun first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);
        GeneratorHarness.AssertGeneratorDidNotThrow(first);
        Assert.Empty(first.GeneratorDiagnostics);
        Assert.Equal(3, first.GeneratedSources.Count);
        // The first run computes everything.
        Assert.All(Outputs(first, Specs), r => Assert.Equal(IncrementalStepRunReason.New, r));
        return (first.Driver, compilation, first);
    }

    [Fact]
    public void AddingAnUnrelatedFileLeavesSpecsAndOutputCached()
    {
        var (driver, compilation, first) = Start();
        CSharpCompilation next = compilation.AddSyntaxTrees(GeneratorHarness.Parse("namespace Demo; public sealed class Extra { }", "/src/Extra.cs"));

        GeneratorRun second = GeneratorHarness.Run(driver, next);

        AssertAllCachedOrUnchanged(second, Specs);
        AssertAllCachedOrUnchanged(second, ParseInput);
        AssertSourceOutputCached(second);
        Assert.Equal(first.GeneratedSources, second.GeneratedSources);
    }

    [Fact]
    public void EditingAnUnrelatedFileLeavesSpecsAndOutputCached()
    {
        var (driver, compilation, first) = Start();
        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == OtherPath);
        CSharpCompilation next = compilation.ReplaceSyntaxTree(old,
            GeneratorHarness.Parse(Unrelated.Replace("2 * x", "x + x", StringComparison.Ordinal), OtherPath));

        GeneratorRun second = GeneratorHarness.Run(driver, next);

        AssertAllCachedOrUnchanged(second, Specs);
        AssertSourceOutputCached(second);
        Assert.Equal(first.GeneratedSources, second.GeneratedSources);
    }

    [Fact]
    public void EditingTheNetworkBodyButNotItsAttributesLeavesSpecsUnchanged()
    {
        // The network's own file changes (and its spans shift), so the parse re-runs; its result must compare equal.
        var (driver, compilation, first) = Start();
        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == NetworkPath);
        string edited = "// a comment that shifts every span\n" + Networks.Seed.Replace(
            "public partial class FashionMlp\n{\n}", "public partial class FashionMlp\n{\n    public int Extra => 1;\n}", StringComparison.Ordinal);
        Assert.NotEqual(Networks.Seed, edited);
        CSharpCompilation next = compilation.ReplaceSyntaxTree(old, GeneratorHarness.Parse(edited, NetworkPath));

        GeneratorRun second = GeneratorHarness.Run(driver, next);

        Assert.Contains(Outputs(second, ParseInput), r => r is IncrementalStepRunReason.Unchanged);
        AssertAllCachedOrUnchanged(second, Specs);
        AssertSourceOutputCached(second);
        Assert.Equal(first.GeneratedSources, second.GeneratedSources);
    }

    [Fact]
    public void ChangingALayerWidthRegenerates()
    {
        var (driver, compilation, first) = Start();
        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == NetworkPath);
        string narrower = ReplaceOnce(Networks.Seed, "[Dense(64, Activation.ReLU)]\n[Dense(10", "[Dense(32, Activation.ReLU)]\n[Dense(10");
        CSharpCompilation next = compilation.ReplaceSyntaxTree(old, GeneratorHarness.Parse(narrower, NetworkPath));

        GeneratorRun second = GeneratorHarness.Run(driver, next);

        GeneratorHarness.AssertGeneratorDidNotThrow(second);
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Outputs(second, Specs));
        Assert.Contains(SourceOutputs(second), r => r is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New);

        string before = first.AllSource;
        string after = second.AllSource;
        Assert.NotEqual(before, after);
        Assert.Contains("DenseForward_64x32_Relu", after, StringComparison.Ordinal);
        Assert.DoesNotContain("DenseForward_64x64_Relu", after, StringComparison.Ordinal);

        // Same text as a fresh driver on the edited source: the incremental path yields what a full build would.
        Assert.Equal(GeneratorHarness.Run(narrower).AllSource, after);
    }

    [Fact]
    public void ChangingTheOptimizerRegenerates()
    {
        var (driver, compilation, first) = Start();
        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == NetworkPath);
        string edited = ReplaceOnce(Networks.Seed, "[Adam(LearningRate = 1e-3f)]", "[Adam(LearningRate = 2e-3f)]");
        CSharpCompilation next = compilation.ReplaceSyntaxTree(old, GeneratorHarness.Parse(edited, NetworkPath));

        GeneratorRun second = GeneratorHarness.Run(driver, next);

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Outputs(second, Specs));
        Assert.NotEqual(first.AllSource, second.AllSource);
        Assert.Contains("0.002f", second.AllSource, StringComparison.Ordinal);
    }

    [Fact]
    public void BreakingTheNetworkRemovesTheOutputAndReportsOnce()
    {
        var (driver, compilation, _) = Start();
        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == NetworkPath);
        string broken = ReplaceOnce(Networks.Seed, "[Adam(LearningRate = 1e-3f)]", "[Adam(LearningRate = -1e-3f)]");
        CSharpCompilation next = compilation.ReplaceSyntaxTree(old, GeneratorHarness.Parse(broken, NetworkPath));

        GeneratorRun second = GeneratorHarness.Run(driver, next);

        GeneratorHarness.AssertGeneratorDidNotThrow(second);
        Assert.Empty(second.GeneratedSources);
        Assert.Equal("NG0013", Assert.Single(second.GeneratorDiagnostics).Id);

        // And fixing it again brings the same output back.
        GeneratorRun third = GeneratorHarness.Run(second.Driver, compilation);
        Assert.Empty(third.GeneratorDiagnostics);
        Assert.Equal(GeneratorHarness.Run(Networks.Seed).AllSource, third.AllSource);
    }

    private static string ReplaceOnce(string text, string from, string to)
    {
        int at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{from}' not in the source");
        Assert.True(text.IndexOf(from, at + 1, StringComparison.Ordinal) < 0, $"'{from}' occurs more than once");
        return text[..at] + to + text[(at + from.Length)..];
    }

    private static IncrementalStepRunReason[] Outputs(GeneratorRun run, string step)
    {
        Assert.True(run.Result.TrackedSteps.TryGetValue(step, out var steps),
            $"No tracked step '{step}'; tracked: {string.Join(", ", run.Result.TrackedSteps.Keys)}");
        return steps.SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
    }

    private static IncrementalStepRunReason[] SourceOutputs(GeneratorRun run) =>
        run.Result.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    private static void AssertAllCachedOrUnchanged(GeneratorRun run, string step)
    {
        IncrementalStepRunReason[] reasons = Outputs(run, step);
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"Step '{step}' output was {r}; all: {string.Join(", ", reasons)}"));
    }

    private static void AssertSourceOutputCached(GeneratorRun run)
    {
        IncrementalStepRunReason[] reasons = SourceOutputs(run);
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"A source output step was {r}; all: {string.Join(", ", reasons)}"));
    }
}
