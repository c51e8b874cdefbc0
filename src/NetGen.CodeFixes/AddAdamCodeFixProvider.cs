using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.CodeFixes
{
    /// <summary>NG0009: adds <c>[Adam]</c> (Keras's defaults) after the network's last attribute.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddAdamCodeFixProvider)), Shared]
    public sealed class AddAdamCodeFixProvider : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.MissingOptimizer);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                TypeDeclarationSyntax? declaration = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
                if (declaration is null || declaration.AttributeLists.Count == 0) continue;
                context.RegisterCodeFix(
                    CodeAction.Create("Add [Adam]", ct => AddAdamAsync(context.Document, root, declaration, ct), equivalenceKey: nameof(AddAdamCodeFixProvider)),
                    diagnostic);
            }
        }

        private static Task<Document> AddAdamAsync(Document document, SyntaxNode root, TypeDeclarationSyntax declaration, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            AttributeListSyntax last = declaration.AttributeLists[declaration.AttributeLists.Count - 1];
            // Write it the way the other NetGen attributes are written: `Adam`, `NetGen.Adam` or `global::NetGen.Adam`.
            string prefix = "";
            foreach (AttributeSyntax attribute in declaration.AttributeLists.SelectMany(l => l.Attributes))
            {
                string name = attribute.Name.ToString();
                int dot = name.LastIndexOf('.');
                if (dot > 0 && name.Substring(0, dot).EndsWith("NetGen", System.StringComparison.Ordinal))
                {
                    prefix = name.Substring(0, dot + 1);
                    break;
                }
            }
            AttributeListSyntax adam = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.Attribute(SyntaxFactory.ParseName(prefix + "Adam"))))
                .WithLeadingTrivia(Indentation(last.GetLeadingTrivia()))
                .WithTrailingTrivia(last.GetTrailingTrivia());
            TypeDeclarationSyntax fixedDeclaration = declaration.WithAttributeLists(declaration.AttributeLists.Add(adam));
            return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(declaration, fixedDeclaration)));
        }

        /// <summary>The whitespace after the last line break of <paramref name="trivia"/> (doc comments stay where they are).</summary>
        internal static SyntaxTriviaList Indentation(SyntaxTriviaList trivia)
        {
            int start = 0;
            for (int i = 0; i < trivia.Count; i++)
            {
                if (trivia[i].IsKind(SyntaxKind.EndOfLineTrivia) || trivia[i].HasStructure) start = i + 1;
            }
            return SyntaxFactory.TriviaList(trivia.Skip(start).Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)));
        }
    }
}
