using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetGen.Generator.Model
{
    /// <summary>A location as plain data (no syntax tree), so it can live in a cached pipeline model.</summary>
    internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

        /// <summary>
        /// A source location in <paramref name="compilation"/>'s tree with this path when there is one (so that
        /// <c>#pragma warning disable</c> applies), else a location made from the path alone.
        /// </summary>
        public Location ToLocation(Compilation? compilation)
        {
            if (compilation is not null)
            {
                foreach (SyntaxTree tree in compilation.SyntaxTrees)
                {
                    if (tree.FilePath == FilePath && Span.End <= tree.Length) return Location.Create(tree, Span);
                }
            }
            return ToLocation();
        }

        public static LocationInfo? From(Location? location)
        {
            if (location is null || location.SourceTree is null) return null;
            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
        }
    }

    /// <summary>A diagnostic as plain, equatable data.</summary>
    internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
    {
        public Diagnostic ToDiagnostic(Compilation? compilation = null)
        {
            DiagnosticDescriptor descriptor = Diagnostics.DiagnosticDescriptors.ById(Id);
            object[] args = new object[Arguments.Count];
            for (int i = 0; i < args.Length; i++) args[i] = Arguments[i];
            return Diagnostic.Create(descriptor, Location?.ToLocation(compilation), args);
        }
    }

    /// <summary>The outcome of parsing one annotated class: a spec when it is valid, and its diagnostics.</summary>
    internal sealed record ParseResult(NetworkSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);
}
