using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.Generator.Tests;

/// <summary>
/// The generator's list of names a network class or namespace cannot have (NG0023) covers what the emitters actually
/// write: every member the generated class and its nested types declare, every type the generated code names without
/// qualification. When an emitter adds one, this fails until the list (src/NetGen.Generator/Parsing/ReservedNames.cs)
/// is updated, or better, the emitter qualifies the name with global::.
/// </summary>
public sealed class ReservedNamesTests
{
    private const string ImageNetwork = """
        using NetGen;

        namespace Demo;

        [Input(8, 8, 2)]
        [Conv2D(3, 3, Activation.ReLU, Padding = Padding.Same)]
        [MaxPool2D(2)]
        [Conv2D(2, 2)]
        [AvgPool2D(2)]
        [Flatten]
        [Dropout(0.5f)]
        [Dense(4, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Sgd(Momentum = 0.9f)]
        public partial class Net;
        """;

    public static IEnumerable<object[]> Sources => Networks.All.Values.Append(ImageNetwork).Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Sources))]
    public void EveryNameTheGeneratedCodeDeclaresOrUsesUnqualifiedIsReserved(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Format(run.OutputDiagnostics));
        // the network's generated files: the model, its trainer and its kernels
        SyntaxTree[] trees = run.OutputCompilation.SyntaxTrees.Where(t => !run.InputCompilation.SyntaxTrees.Contains(t)).ToArray();
        Assert.Equal(3, trees.Length);
        Type reserved = GeneratorHarness.GeneratorAssembly.GetType("NetGen.Generator.Parsing.ReservedNames", throwOnError: true)!;
        var isMember = (Func<string, bool>)Delegate.CreateDelegate(typeof(Func<string, bool>), reserved.GetMethod("IsMember")!);
        var isUsedType = (Func<string, bool>)Delegate.CreateDelegate(typeof(Func<string, bool>), reserved.GetMethod("IsUsedType")!);

        var missing = new SortedSet<string>(StringComparer.Ordinal);
        foreach (SyntaxTree tree in trees)
        {
            SemanticModel model = run.OutputCompilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                // Declared: members of the network class and of its nested types, the kernels' methods excepted (the
                // Kernels class never names the network, so a network called like a kernel clashes with nothing).
                if (node is MemberDeclarationSyntax or VariableDeclaratorSyntax or EnumMemberDeclarationSyntax
                    && model.GetDeclaredSymbol(node) is { ContainingType: not null, Kind: not SymbolKind.Local } declared
                    && declared.ContainingType.Name != "Kernels" && !declared.Name.Contains('.') && declared.Name != ".ctor"
                    && !isMember(declared.Name))
                {
                    missing.Add("member " + declared.Name);
                }

                // Used: a simple name (not after a dot, not after global::) that binds to a type declared elsewhere.
                if (node is SimpleNameSyntax name
                    && !(node.Parent is MemberAccessExpressionSyntax access && access.Name == node)
                    && !(node.Parent is QualifiedNameSyntax qualified && qualified.Right == node)
                    && node.Parent is not AliasQualifiedNameSyntax
                    && model.GetSymbolInfo(node).Symbol is INamedTypeSymbol type
                    && !type.DeclaringSyntaxReferences.Any(r => trees.Contains(r.SyntaxTree))
                    && !isUsedType(name.Identifier.ValueText))
                {
                    missing.Add("type " + name.Identifier.ValueText);
                }
            }
        }
        Assert.True(missing.Count == 0, "Not in ReservedNames: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("Trainer")]
    [InlineData("Kernels")]
    [InlineData("Predict")]
    [InlineData("Rows")]
    [InlineData("Dense1Weights")]
    [InlineData("Math")]
    [InlineData("Unsafe")]
    [InlineData("IModel")]
    [InlineData("@event")]
    public void AClassWithAReservedNameIsRejectedWithNG0023(string name)
    {
        string source = $"using NetGen;\n\nnamespace Demo;\n\n[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]\npublic partial class {name} {{ }}\n";
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratedSources);
        Diagnostic d = Assert.Single(DiagnosticTests.NetGenDiagnostics(run));
        Assert.Equal("NG0023", d.Id);
        Assert.Equal(name, DiagnosticTests.SpanText(run, d));
        Assert.Contains("rename it", d.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Demo.Math", "Math")]
    [InlineData("Company.Vector512.Models", "Vector512")]
    [InlineData("@event.Models", "event")]
    public void ANamespaceWithAReservedPartIsRejectedWithNG0023(string ns, string part)
    {
        string source = $"using NetGen;\n\nnamespace {ns};\n\n[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]\npublic partial class Net {{ }}\n";
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(run.GeneratedSources);
        Diagnostic d = Assert.Single(DiagnosticTests.NetGenDiagnostics(run));
        Assert.Equal("NG0023", d.Id);
        Assert.Equal(ns, DiagnosticTests.SpanText(run, d));
        Assert.StartsWith($"'{part}' cannot be the name of a namespace", d.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Demo.Models")]
    [InlineData("NetGen.Models")]
    [InlineData("Demo.System")]
    public void OrdinaryNamespacesAreFine(string ns)
    {
        string source = $"using NetGen;\n\nnamespace {ns};\n\n[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]\npublic partial class Net {{ }}\n";
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Format(run.OutputDiagnostics));
    }
}
