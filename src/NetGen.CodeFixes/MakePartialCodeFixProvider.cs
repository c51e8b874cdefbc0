using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.CodeFixes
{
    /// <summary>NG0001: adds <c>partial</c> to the network's declaration, right before <c>class</c> where C# wants it.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
    public sealed class MakePartialCodeFixProvider : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.NotPartial);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                TypeDeclarationSyntax? declaration = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
                if (declaration is null || declaration.Modifiers.Any(SyntaxKind.PartialKeyword)) continue;
                string title = $"Make '{declaration.Identifier.ValueText}' partial";
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => MakePartialAsync(context.Document, root, declaration, ct), equivalenceKey: nameof(MakePartialCodeFixProvider)),
                    diagnostic);
            }
        }

        private static Task<Document> MakePartialAsync(Document document, SyntaxNode root, TypeDeclarationSyntax declaration, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(declaration, AddPartial(declaration))));
        }

        internal static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax declaration)
        {
            SyntaxTokenList modifiers = declaration.Modifiers;
            if (modifiers.Count == 0)
            {
                // `class Net` → `partial class Net`: the keyword's leading trivia (indentation, comments) moves to `partial`.
                SyntaxToken keyword = declaration.Keyword;
                SyntaxToken partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
                return declaration
                    .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                    .WithModifiers(SyntaxFactory.TokenList(partial));
            }
            // `public sealed class Net` → `public sealed partial class Net`.
            return declaration.WithModifiers(modifiers.Add(SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space))));
        }
    }
}
