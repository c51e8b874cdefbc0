using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator.Layers;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;
using System.Text;

namespace NetGen.Generator
{
    /// <summary>Turns attribute-declared networks into specialized model and trainer code.</summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class NetGenGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<ParseResult> networks = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    NetworkParser.InputAttributeName,
                    static (node, _) => node is TypeDeclarationSyntax,
                    NetworkParser.ParseFromInput)
                .WithTrackingName(TrackingNames.ParseInput);


            IncrementalValuesProvider<NetworkSpec> specs = networks
                .Where(static r => r.Spec is not null)
                .Select(static (r, _) => r.Spec!)
                .WithTrackingName(TrackingNames.Specs);

            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = networks
                .Select(static (r, _) => r.Diagnostics)
                .Where(static d => d.Count > 0)
                .WithTrackingName(TrackingNames.Diagnostics);


            // Diagnostics are cached as plain data (no syntax trees); when reported they are mapped back onto the
            // compilation's trees, so that they are source locations and #pragma warning disable applies to them
            // (a location made from a file path alone is never suppressed: dotnet/roslyn#68291). Only this cheap
            // reporting step re-runs on each compilation; parsing and emitting stay cached.
            context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider), ReportDiagnostics);
            // Classes with NetGen attributes but no [Input]: one pipeline per attribute kind, so that a class with only
            // [Conv2D], [Loss] or [Adam] is told it lacks [Input] instead of silently getting nothing.
            foreach (string attributeName in NetworkParser.NonInputAttributeNames)
            {
                IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> withoutInput = context.SyntaxProvider
                    .ForAttributeWithMetadataName(
                        attributeName,
                        static (node, _) => node is TypeDeclarationSyntax,
                        NetworkParser.ParseFromLayer)
                    .WithTrackingName(TrackingNames.ParseLayerOnly)
                    .Select(static (r, _) => r.Diagnostics)
                    .Where(static d => d.Count > 0);
                context.RegisterSourceOutput(withoutInput.Combine(context.CompilationProvider), ReportDiagnostics);
            }
            context.RegisterSourceOutput(specs, EmitNetwork);
        }

        private static void ReportDiagnostics(SourceProductionContext context, (EquatableArray<DiagnosticInfo> Diagnostics, Compilation Compilation) input)
        {
            foreach (DiagnosticInfo info in input.Diagnostics)
            {
                context.ReportDiagnostic(info.ToDiagnostic(input.Compilation));
            }
        }

        private static void EmitNetwork(SourceProductionContext context, NetworkSpec spec)
        {
            // Nothing may escape: an exception here would reach users only as the opaque warning CS8785.
            try
            {
                NetworkPlan plan = Planner.Plan(spec);
                foreach (var (hintName, source) in NetworkEmitter.Emit(plan))
                {
                    context.AddSource(hintName, SourceText.From(source, Encoding.UTF8));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, spec.ClassName, ex.GetType().Name + ": " + ex.Message));
            }
        }
    }
}
