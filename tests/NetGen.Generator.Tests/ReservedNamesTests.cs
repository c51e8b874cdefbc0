using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.Generator.Tests;

/// <summary>
/// The generator's list of names a network class cannot have (NG0023) covers what the emitters actually write: every
/// member the generated class and its nested types declare. Every type the model and trainer name is global::-qualified
/// (the kernels live in a namespace of NetGen's own), so users' types and namespaces called Math, Span or Vector512 hide
/// nothing. When an emitter adds a member, this fails until the list (src/NetGen.Generator/Parsing/ReservedNames.cs) is
/// updated; when it names a type the writer does not qualify, until src/NetGen.Generator/Emit/QualifiedNames.cs has it.
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
    public void EveryMemberTheGeneratedCodeDeclaresIsReservedAndEveryTypeItNamesIsQualified(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Format(run.OutputDiagnostics));
        // the network's generated files: the model, its trainer and its kernels
        SyntaxTree[] trees = run.OutputCompilation.SyntaxTrees.Where(t => !run.InputCompilation.SyntaxTrees.Contains(t)).ToArray();
        Assert.Equal(3, trees.Length);
        Type reserved = GeneratorHarness.GeneratorAssembly.GetType("NetGen.Generator.Parsing.ReservedNames", throwOnError: true)!;
        var isMember = (Func<string, bool>)Delegate.CreateDelegate(typeof(Func<string, bool>), reserved.GetMethod("IsMember")!);

        var missing = new SortedSet<string>(StringComparer.Ordinal);
        foreach (SyntaxTree tree in trees)
        {
            // the kernels' file: its own namespace, NetGen.Generated.<namespace>.<class>, with the usings inside it
            bool kernels = tree.FilePath.EndsWith(".Kernels.g.cs", StringComparison.Ordinal);
            if (kernels)
            {
                var ns = Assert.IsType<FileScopedNamespaceDeclarationSyntax>(tree.GetRoot().DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().Single());
                Assert.StartsWith("NetGen.Generated.", ns.Name.ToString(), StringComparison.Ordinal);
                Assert.Empty(((CompilationUnitSyntax)tree.GetRoot()).Usings);
                Assert.NotEmpty(ns.Usings);
                continue;
            }
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
                    && name.Identifier.ValueText is not ("var" or "nint" or "nuint") // contextual keywords: ReservedNames refuses a class called so
                    && model.GetSymbolInfo(node).Symbol is INamedTypeSymbol type
                    && !type.DeclaringSyntaxReferences.Any(r => trees.Contains(r.SyntaxTree)))
                {
                    missing.Add("unqualified type " + name.Identifier.ValueText);
                }
            }
        }
        Assert.True(missing.Count == 0, "Not in ReservedNames, or not global::-qualified: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("Trainer")]
    [InlineData("Predict")]
    [InlineData("Rows")]
    [InlineData("Dense1Weights")]
    [InlineData("@event")]
    [InlineData("var")]
    [InlineData("nint")]
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
    [InlineData("Demo.Math")]
    [InlineData("Company.Vector512.Models")]
    [InlineData("Span")]
    [InlineData("NetGen.Kernels.Models")]
    public void OrdinaryNamespacesAreFine(string ns)
    {
        string source = $"using NetGen;\n\nnamespace {ns};\n\n[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]\npublic partial class Net {{ }}\n";
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Format(run.OutputDiagnostics));
    }

    /// <summary>
    /// Names of the types the generated code uses, given to the network class, to the user's own types beside it (in
    /// its namespace and in the global namespace) and to its namespace, hide nothing: the model and trainer name those
    /// types global::-qualified and the kernels live in NetGen.Generated.*, with their usings inside that namespace.
    /// </summary>
    [Theory]
    [InlineData("Math")]
    [InlineData("Unsafe")]
    [InlineData("Span")]
    [InlineData("ReadOnlySpan")]
    [InlineData("Vector512")]
    [InlineData("IModel")]
    [InlineData("Kernels")]
    [InlineData("VectorMath")]
    [InlineData("ImageKernels")]
    public void TypeNamesTheGeneratedCodeUsesAreFreeForUsers(string name)
    {
        string hostile = "public static class Math { } public static class MathF { } public static class Unsafe { } public class Span { } public class ReadOnlySpan { } "
            + "public static class Vector512 { } public static class Vector256 { } public static class MemoryMarshal { } public interface IModel { } "
            + "public static class VectorMath { } public static class ImageKernels { } public static class LossKernels { } public class ArgumentException { } "
            + "public class AlignedBuffer { } public class ParameterBlock { } public static class ArrayPool { } public class MethodImplAttribute : System.Attribute { } "
            + "public static class Kernels { } public static class Initializers { } public static class Pool2x2 { } ";
        string Strip(string n) => System.Text.RegularExpressions.Regex.Replace(hostile, $@"public (static )?(class|interface|enum) {n}\b[^}}]*}} ", "");
        string source = $$"""
            using NetGen;

            {{Strip(name)}}

            namespace {{name}}.Models
            {
                {{Strip(name)}}

                [Input(6, 6, 1)]
                [Conv2D(2, 3, Activation.ReLU, Name = "c")]
                [MaxPool2D(2)]
                [Flatten(Name = "f")]
                [Dense(4, Activation.ReLU, Name = "h")]
                [Dense(4, Name = "g")]
                [Add("h", "g")]
                [Dense(3, Activation.Softmax)]
                [Loss(LossKind.SparseCategoricalCrossEntropy)]
                [Adam]
                public partial class {{name}} { }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(source);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.Empty(DiagnosticTests.NetGenDiagnostics(run));
        Assert.Equal(3, run.GeneratedSources.Count);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Format(run.OutputDiagnostics));
    }
}
