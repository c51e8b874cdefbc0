using System.Runtime.CompilerServices;

namespace NetGen.Generator.Tests;

/// <summary>
/// The generated source of each configuration, compared with <c>Snapshots/&lt;Test&gt;/*.verified.cs</c>.
/// After an intended change to the emitted code, run with <c>NETGEN_UPDATE_SNAPSHOTS=1</c> and review the diff.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void Seed() => Check(Networks.Seed);

    [Fact]
    public void Xor() => Check(Networks.Xor);

    [Fact]
    public void Regression() => Check(Networks.Regression);

    [Fact]
    public void HuberRegression() => Check(Networks.HuberRegression);

    [Fact]
    public void LabelSmoothing() => Check(Networks.LabelSmoothing);

    [Fact]
    public void OddWidths() => Check(Networks.OddWidths);

    [Fact]
    public void GlobalNamespace() => Check(Networks.GlobalNamespace);

    [Fact]
    public void MseThroughActivations() => Check(Networks.MseThroughActivations);

    [Fact]
    public void LeNet() => Check(Networks.LeNet);

    [Fact]
    public void StridedConvolution() => Check(Networks.StridedConvolution);

    [Fact]
    public void WindowConvolutions() => Check(Networks.WindowConvolutions);

    [Fact]
    public void RowLstm() => Check(Networks.RowLstm);

    [Fact]
    public void TokenGru() => Check(Networks.TokenGru);

    [Fact]
    public void Residual() => Check(Networks.Residual);

    [Fact]
    public void Branches() => Check(Networks.Branches);

    [Fact]
    public void TwoInputs() => Check(Networks.TwoInputs);

    [Fact]
    public void ModernActivations() => Check(Networks.ModernActivations);

    [Fact]
    public void NormAct() => Check(Networks.NormAct);

    [Fact]
    public void BatchNormalization() => Check(Networks.BatchNormalization);

    [Fact]
    public void GlobalPooling() => Check(Networks.GlobalPooling);

    [Fact]
    public void TokenConv1D() => Check(Networks.TokenConv1D);

    [Fact]
    public void AdamWDecay() => Check(Networks.AdamWDecay);

    [Fact]
    public void RMSpropClipped() => Check(Networks.RMSpropClipped);

    [Fact]
    public void Nesterov() => Check(Networks.Nesterov);

    [Fact]
    public void TwoNetworksInOneCompilation()
    {
        GeneratorRun run = GeneratorHarness.Run(Networks.Seed, Networks.Xor);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(new[]
            {
                "Demo.FashionMlp.Kernels.g.cs", "Demo.FashionMlp.Trainer.g.cs", "Demo.FashionMlp.g.cs",
                "Demo.Logic.XorNet.Kernels.g.cs", "Demo.Logic.XorNet.Trainer.g.cs", "Demo.Logic.XorNet.g.cs",
            },
            run.GeneratedSources.Keys.Order(StringComparer.Ordinal));

        // Same text as each network alone: nothing leaks between networks.
        foreach (var (source, alone) in new[] { (Networks.Seed, GeneratorHarness.Run(Networks.Seed)), (Networks.Xor, GeneratorHarness.Run(Networks.Xor)) })
        {
            foreach (var (hint, text) in alone.GeneratedSources) Assert.Equal(text, run.GeneratedSources[hint]);
        }
    }

    [Fact]
    public void SnapshotHelperReportsTheFirstDifferingLine()
    {
        string? difference = Snapshot.FirstDifference("a\nb\nc\n", "a\nB\nc\n");
        Assert.NotNull(difference);
        Assert.Contains("line 2", difference);
        Assert.Contains("verified: b", difference);
        Assert.Contains("received: B", difference);
        Assert.Contains("<end of file>", Snapshot.FirstDifference("a", "a\nextra"));
        Assert.Null(Snapshot.FirstDifference("same", "same"));
    }

    private static void Check(string source, [CallerMemberName] string testName = "")
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorHarness.Format(run.GeneratorDiagnostics));
        // one file each for the model, its trainer and its kernels
        Assert.Equal(3, run.GeneratedSources.Count);
        Snapshot.Verify(run.GeneratedSources, testName);
    }
}
