using System.Collections.Immutable;
using System.Linq;
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
    /// <summary>NG0015: moves <c>[Input(...)]</c> above the first layer (attribute order is layer order).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MoveInputFirstCodeFixProvider)), Shared]
    public sealed class MoveInputFirstCodeFixProvider : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.InputAfterLayer);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                AttributeSyntax? input = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<AttributeSyntax>();
                if (input?.Parent is not AttributeListSyntax list || list.Parent is not TypeDeclarationSyntax declaration) continue;
                context.RegisterCodeFix(
                    CodeAction.Create("Move [Input] above the first layer", ct => MoveAsync(context.Document, root, declaration, list, input, ct),
                        equivalenceKey: nameof(MoveInputFirstCodeFixProvider)),
                    diagnostic);
            }
        }

        private static Task<Document> MoveAsync(Document document, SyntaxNode root, TypeDeclarationSyntax declaration, AttributeListSyntax list, AttributeSyntax input, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            SyntaxList<AttributeListSyntax> lists = declaration.AttributeLists;
            AttributeListSyntax first = lists[0];
            int index = lists.IndexOf(list);
            if (index == 0 && list.Attributes.IndexOf(input) == 0) return Task.FromResult(document); // already first

            // The first list's leading trivia (doc comments, indentation) stays at the top, on the moved [Input].
            SyntaxTriviaList top = first.GetLeadingTrivia();
            SyntaxTriviaList indentation = AddAdamCodeFixProvider.Indentation(top);
            SyntaxList<AttributeListSyntax> result;
            if (list.Attributes.Count == 1)
            {
                AttributeListSyntax moved = list.WithLeadingTrivia(top).WithTrailingTrivia(first.GetTrailingTrivia());
                result = lists.RemoveAt(index);
                AttributeListSyntax oldFirst = result[0];
                result = result.Replace(oldFirst, oldFirst.WithLeadingTrivia(indentation));
                result = result.Insert(0, moved);
            }
            else
            {
                // `[Dense(8), Input(4)]`: take [Input] out of its list into a list of its own.
                AttributeListSyntax moved = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(input.WithoutTrivia()))
                    .WithLeadingTrivia(top).WithTrailingTrivia(first.GetTrailingTrivia());
                AttributeListSyntax rest = list.WithAttributes(list.Attributes.Remove(input));
                rest = rest.WithAttributes(SyntaxFactory.SeparatedList(rest.Attributes.Select(a => a.WithoutLeadingTrivia()), rest.Attributes.GetSeparators()));
                result = lists.Replace(list, rest);
                result = result.Replace(result[0], result[0].WithLeadingTrivia(indentation));
                result = result.Insert(0, moved);
            }
            return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(declaration, declaration.WithAttributeLists(result))));
        }
    }
}
