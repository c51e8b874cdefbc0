using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using NetGen.CodeFixes;

namespace NetGen.Generator.Tests;

/// <summary>
/// The code fixes, applied as the IDE applies them: the generator reports the diagnostic on a document of an
/// <see cref="AdhocWorkspace"/>, the provider registers its action, and the action's changed document must read
/// exactly as expected and compile into a network without NetGen diagnostics.
/// </summary>
public sealed class CodeFixTests
{
    private const string Layers = """
        [Dense(8, Activation.ReLU)]
        [Dense(3, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        """;

    [Theory]
    [InlineData("public class Net\n{\n}", "public partial class Net\n{\n}")]
    [InlineData("class Net\n{\n}", "partial class Net\n{\n}")]
    [InlineData("public sealed class Net;", "public sealed partial class Net;")]
    [InlineData("internal class /* the network */ Net { }", "internal partial class /* the network */ Net { }")]
    public void NG0001_MakesTheClassPartial(string declaration, string expected)
    {
        string before = Source("[Input(4)]\n" + Layers + "\n[Adam]", declaration);
        string after = Source("[Input(4)]\n" + Layers + "\n[Adam]", expected);
        AssertFix<MakePartialCodeFixProvider>(before, "NG0001", after, "Make 'Net' partial");
    }

    [Fact]
    public void NG0001_WithoutModifiersAfterAnAttributeOnTheSameLine()
    {
        string before = "using NetGen;\n\n[Input(4)] [Dense(3, Activation.Softmax)] [Loss(LossKind.SparseCategoricalCrossEntropy)] [Adam] class Net { }\n";
        string after = "using NetGen;\n\n[Input(4)] [Dense(3, Activation.Softmax)] [Loss(LossKind.SparseCategoricalCrossEntropy)] [Adam] partial class Net { }\n";
        AssertFix<MakePartialCodeFixProvider>(before, "NG0001", after, "Make 'Net' partial");
    }

    [Fact]
    public void NG0009_AddsAdamAfterTheLastAttribute()
    {
        string before = Source("[Input(4)]\n" + Layers);
        string after = Source("[Input(4)]\n" + Layers + "\n[Adam]");
        AssertFix<AddAdamCodeFixProvider>(before, "NG0009", after, "Add [Adam]");
    }

    [Fact]
    public void NG0009_KeepsIndentationAndDocCommentsAndQualifiesLikeTheOthers()
    {
        const string before = """
            namespace Demo
            {
                /// <summary>A network.</summary>
                [NetGen.Input(4)]
                [NetGen.Dense(1, NetGen.Activation.Sigmoid)]
                [NetGen.Loss(NetGen.LossKind.BinaryCrossEntropy)]
                public partial class Net
                {
                }
            }

            """;
        const string after = """
            namespace Demo
            {
                /// <summary>A network.</summary>
                [NetGen.Input(4)]
                [NetGen.Dense(1, NetGen.Activation.Sigmoid)]
                [NetGen.Loss(NetGen.LossKind.BinaryCrossEntropy)]
                [NetGen.Adam]
                public partial class Net
                {
                }
            }

            """;
        AssertFix<AddAdamCodeFixProvider>(before, "NG0009", after, "Add [Adam]");
    }

    [Fact]
    public void NG0015_MovesInputAboveTheFirstLayer()
    {
        string before = Source("[Dense(8, Activation.ReLU)]\n[Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]");
        string after = Source("[Input(4)]\n[Dense(8, Activation.ReLU)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]");
        AssertFix<MoveInputFirstCodeFixProvider>(before, "NG0015", after, "Move [Input] above the first layer");
    }

    [Fact]
    public void NG0015_KeepsTheDocCommentOnTopAndIndentation()
    {
        const string before = """
            using NetGen;

            namespace Demo
            {
                /// <summary>A network.</summary>
                [Dense(8, Activation.ReLU)]
                [Dense(3, Activation.Softmax)]
                [Input(4)]
                [Loss(LossKind.SparseCategoricalCrossEntropy)]
                [Adam]
                public partial class Net
                {
                }
            }

            """;
        const string after = """
            using NetGen;

            namespace Demo
            {
                /// <summary>A network.</summary>
                [Input(4)]
                [Dense(8, Activation.ReLU)]
                [Dense(3, Activation.Softmax)]
                [Loss(LossKind.SparseCategoricalCrossEntropy)]
                [Adam]
                public partial class Net
                {
                }
            }

            """;
        AssertFix<MoveInputFirstCodeFixProvider>(before, "NG0015", after, "Move [Input] above the first layer");
    }

    [Fact]
    public void NG0015_TakesInputOutOfASharedAttributeList()
    {
        string before = Source("[Dense(8, Activation.ReLU), Input(4)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]");
        string after = Source("[Input(4)]\n[Dense(8, Activation.ReLU)]\n[Dense(3, Activation.Softmax)]\n[Loss(LossKind.SparseCategoricalCrossEntropy)]\n[Adam]");
        AssertFix<MoveInputFirstCodeFixProvider>(before, "NG0015", after, "Move [Input] above the first layer");
    }

    [Fact]
    public void ProvidersDeclareTheIdsTheyFixAndFixAll()
    {
        Assert.Equal(new[] { "NG0001" }, new MakePartialCodeFixProvider().FixableDiagnosticIds);
        Assert.Equal(new[] { "NG0009" }, new AddAdamCodeFixProvider().FixableDiagnosticIds);
        Assert.Equal(new[] { "NG0015" }, new MoveInputFirstCodeFixProvider().FixableDiagnosticIds);
        Assert.NotNull(new MakePartialCodeFixProvider().GetFixAllProvider());
    }

    private static string Source(string attributes, string declaration = "public partial class Net\n{\n}") =>
        $"using NetGen;\n\nnamespace Demo;\n\n{attributes}\n{declaration}\n";

    /// <summary>Runs the generator on <paramref name="before"/>, applies <typeparamref name="TProvider"/>'s fix for <paramref name="id"/>, compares with <paramref name="expected"/>.</summary>
    private static void AssertFix<TProvider>(string before, string id, string expected, string title)
        where TProvider : CodeFixProvider, new()
    {
        using var workspace = new AdhocWorkspace();
        ProjectId projectId = ProjectId.CreateNewId();
        Solution solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Test", "Test", LanguageNames.CSharp,
                compilationOptions: GeneratorHarness.CompilationOptions, parseOptions: GeneratorHarness.ParseOptions,
                metadataReferences: GeneratorHarness.References));
        DocumentId documentId = DocumentId.CreateNewId(projectId);
        solution = solution.AddDocument(DocumentInfo.Create(documentId, "Net.cs",
            loader: TextLoader.From(TextAndVersion.Create(SourceText.From(before), VersionStamp.Default)), filePath: "/src/Net.cs"));
        Document document = solution.GetDocument(documentId)!;

        Diagnostic diagnostic = Assert.Single(GeneratorDiagnostics(document), d => d.Id == id);

        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        var provider = new TProvider();
        Assert.Contains(id, provider.FixableDiagnosticIds);
        provider.RegisterCodeFixesAsync(context).GetAwaiter().GetResult();
        CodeAction fix = Assert.Single(actions);
        Assert.Equal(title, fix.Title);

        ImmutableArray<CodeActionOperation> operations = fix.GetOperationsAsync(CancellationToken.None).GetAwaiter().GetResult();
        Solution changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        Document fixedDocument = changed.GetDocument(documentId)!;
        string actual = fixedDocument.GetTextAsync().GetAwaiter().GetResult().ToString();
        Assert.Equal(expected.ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));

        // The fixed network is clean: no NetGen diagnostic at all, and it is generated.
        Assert.Empty(GeneratorDiagnostics(fixedDocument).Where(d => d.Id.StartsWith("NG", StringComparison.Ordinal)));
    }

    private static ImmutableArray<Diagnostic> GeneratorDiagnostics(Document document)
    {
        Compilation compilation = document.Project.GetCompilationAsync().GetAwaiter().GetResult()!;
        GeneratorRun run = GeneratorHarness.Run(compilation);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        return run.GeneratorDiagnostics;
    }
}
