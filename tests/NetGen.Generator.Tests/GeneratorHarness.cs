using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NetGen.Generator.Tests;

/// <summary>The outcome of one generator run over a compilation.</summary>
/// <param name="GeneratedSources">Hint name → generated text, in the order the generator added them.</param>
/// <param name="GeneratorDiagnostics">Diagnostics the generator (or the driver on its behalf, e.g. CS8785) reported.</param>
/// <param name="OutputCompilation">The input compilation plus the generated trees.</param>
/// <param name="OutputDiagnostics">Warnings and errors of <paramref name="OutputCompilation"/> (hidden and info filtered out).</param>
/// <param name="Driver">The driver after the run, for incremental re-runs.</param>
/// <param name="InputCompilation">The compilation the generator ran on.</param>
internal sealed record GeneratorRun(
    IReadOnlyDictionary<string, string> GeneratedSources,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    Compilation OutputCompilation,
    ImmutableArray<Diagnostic> OutputDiagnostics,
    GeneratorDriver Driver,
    Compilation InputCompilation)
{
    public GeneratorDriverRunResult RunResult => Driver.GetRunResult();

    /// <summary>The single generator's result (its exception, if it threw, is in <see cref="GeneratorRunResult.Exception"/>).</summary>
    public GeneratorRunResult Result => RunResult.Results.Single();

    /// <summary>Every generated file's text, by hint name (a network's model, trainer and kernels), joined: for comparisons.</summary>
    public string AllSource => string.Join("\n", GeneratedSources.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"// {s.Key}\n{s.Value}"));
}

/// <summary>
/// Runs <see cref="NetGenGenerator"/> over in-memory sources, with references taken from the running test
/// host (no reference packs, no network), and returns what it generated and reported.
/// </summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences);

    /// <summary>The trusted platform assemblies of the test host plus NetGen.Attributes and NetGen.Runtime, once each.</summary>
    public static ImmutableArray<MetadataReference> References => s_references.Value;

    /// <summary>The generator's assembly, for reflection over its internal types.</summary>
    public static Assembly GeneratorAssembly => typeof(NetGenGenerator).Assembly;

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string tpa = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "";
        foreach (string path in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            paths.TryAdd(Path.GetFileName(path), path);
        }
        // The NetGen assemblies the generated code binds to; the test host lists them too, so key by file name.
        foreach (Assembly assembly in new[] { typeof(NetGen.Activation).Assembly, typeof(NetGen.IModel).Assembly })
        {
            paths[Path.GetFileName(assembly.Location)] = assembly.Location;
        }
        return paths.Values
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }

    /// <summary>A syntax tree with a stable, distinct path (diagnostic locations and the NG0002 ordering use it).</summary>
    public static SyntaxTree Parse(string source, string path) =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path: path);

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CreateCompilation(sources.Select((s, i) => Parse(s, $"/src/Source{i}.cs")));

    public static CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree> trees) =>
        CSharpCompilation.Create("NetGenTestAssembly", trees, References, CompilationOptions);

    /// <summary>A driver over a fresh <see cref="NetGenGenerator"/> with step tracking on.</summary>
    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new NetGenGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(sources));

    public static GeneratorRun Run(Compilation compilation) => Run(CreateDriver(), compilation);

    /// <summary>Runs (or re-runs, for an existing driver) the generator and collects everything a test looks at.</summary>
    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation) => Run(driver, compilation, compileOutput: true);

    /// <summary>
    /// Runs the generator; with <paramref name="compileOutput"/> false the output compilation is not bound
    /// (<see cref="GeneratorRun.OutputDiagnostics"/> stays empty), which saves most of the time of a run.
    /// </summary>
    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation, bool compileOutput)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (GeneratedSourceResult generated in result.GeneratedSources)
        {
            sources.Add(generated.HintName, generated.SourceText.ToString());
        }
        ImmutableArray<Diagnostic> outputDiagnostics = compileOutput
            ? output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray()
            : ImmutableArray<Diagnostic>.Empty;
        // Diagnostics suppressed in source (#pragma warning disable) are hidden from users, so from the tests too.
        diagnostics = diagnostics.Where(d => !d.IsSuppressed).ToImmutableArray();
        return new GeneratorRun(sources, diagnostics, output, outputDiagnostics, driver, compilation);
    }

    /// <summary>Fails when the generator threw (the driver turns an escaping exception into warning CS8785).</summary>
    public static void AssertGeneratorDidNotThrow(GeneratorRun run)
    {
        Assert.True(run.Result.Exception is null, "The generator threw: " + run.Result.Exception);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8784" or "CS8785");
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "NG9999");
    }

    /// <summary>One diagnostic per line, for assertion messages.</summary>
    public static string Format(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));
}
