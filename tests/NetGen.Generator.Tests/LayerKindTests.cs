using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace NetGen.Generator.Tests;

/// <summary>
/// The layer-kind architecture holds: every kind is registered once with its attributes, every layer attribute has a
/// kind, every kind is exercised by a test network, and no stage outside <c>Layers/</c> dispatches on kinds by switch.
/// </summary>
public sealed class LayerKindTests
{
    private static readonly Assembly Generator = GeneratorHarness.GeneratorAssembly;

    private static Type KindBase => Generator.GetType("NetGen.Generator.Layers.LayerKind", throwOnError: true)!;

    /// <summary>The registry's kinds (LayerKinds.All), by reflection.</summary>
    private static IReadOnlyList<object> Registered()
    {
        Type registry = Generator.GetType("NetGen.Generator.Layers.LayerKinds", throwOnError: true)!;
        var all = (System.Collections.IEnumerable)registry.GetField("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        return all.Cast<object>().ToList();
    }

    private static IReadOnlyList<string> AttributeNamesOf(object kind) =>
        (IReadOnlyList<string>)KindBase.GetProperty("AttributeNames")!.GetValue(kind)!;

    [Fact]
    public void EveryKindInTheGeneratorIsRegisteredOnce()
    {
        IReadOnlyList<object> registered = Registered();
        Assert.True(registered.Count >= 7, $"only {registered.Count} kinds registered");
        Assert.Equal(registered.Count, registered.Select(k => k.GetType()).Distinct().Count());
        Type[] concrete = Generator.GetTypes().Where(t => !t.IsAbstract && KindBase.IsAssignableFrom(t)).ToArray();
        foreach (Type kind in concrete)
        {
            Assert.True(registered.Any(k => k.GetType() == kind), $"{kind.Name} derives from LayerKind but is not in LayerKinds.All");
        }
    }

    [Fact]
    public void EveryLayerAttributeHasExactlyOneKind()
    {
        var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (object kind in Registered())
        {
            Assert.NotEmpty(AttributeNamesOf(kind));
            foreach (string name in AttributeNamesOf(kind))
            {
                Assert.True(claimed.TryAdd(name, kind.GetType().Name), $"{name} is claimed by {claimed.GetValueOrDefault(name)} and {kind.GetType().Name}");
                Assert.True(typeof(NetGen.InputAttribute).Assembly.GetType(name) is not null, $"{kind.GetType().Name} names {name}, which NetGen.Attributes does not define");
            }
        }
        string[] notLayers = { "NetGen.InputAttribute", "NetGen.LossAttribute", "NetGen.SgdAttribute", "NetGen.AdamAttribute", "NetGen.AdamWAttribute", "NetGen.RMSpropAttribute" };
        foreach (Type attribute in typeof(NetGen.InputAttribute).Assembly.GetExportedTypes().Where(t => typeof(Attribute).IsAssignableFrom(t) && !t.IsAbstract))
        {
            if (notLayers.Contains(attribute.FullName)) continue;
            Assert.True(claimed.ContainsKey(attribute.FullName!), $"[{attribute.Name}] is a public attribute with no layer kind");
        }
    }

    [Fact]
    public void EveryKindIsExercisedByAGeneratedTestNetwork()
    {
        // Every kind must be reached by at least one network of the corpus that generates and compiles (CompileTests):
        // a kind registered without a network that uses it would have every capability unexercised.
        string corpus = string.Join("\n", Networks.All.Values);
        foreach (object kind in Registered())
        {
            bool used = AttributeNamesOf(kind).Any(name =>
            {
                string shortName = name.Substring("NetGen.".Length, name.Length - "NetGen.".Length - "Attribute".Length);
                return Regex.IsMatch(corpus, @"\[" + Regex.Escape(shortName) + @"\b");
            });
            Assert.True(used, $"no network in Networks.All uses {kind.GetType().Name}");
        }
    }

    /// <summary>A switch arm or case label naming a layer spec or plan type: dispatch on the kind.</summary>
    private static readonly Regex KindDispatch = new(
        @"\bcase\s+\w+(Spec|LayerPlan)\b|^\s*\w+(Spec|LayerPlan)(\s+\w+)?\s*=>|^\s*\w+(Spec|LayerPlan)\s*\{[^}]*\}(\s+\w+)?\s*=>",
        RegexOptions.Multiline);

    [Fact]
    public void TheDispatchPatternFindsSwitches()
    {
        Assert.Matches(KindDispatch, "switch (layer)\n{\n    case DenseLayerPlan dense:\n");
        Assert.Matches(KindDispatch, "layer switch\n{\n    DenseSpec d => 1,\n");
        Assert.Matches(KindDispatch, "    FlattenSpec => \"Flatten\",\n");
        Assert.Matches(KindDispatch, "    Pool2DSpec { Pool: PoolKind.Max } p => 1,\n");
        Assert.DoesNotMatch(KindDispatch, "    OptimizerSpec? optimizer = ParseOptimizer(attribute);\n");
        Assert.DoesNotMatch(KindDispatch, "if (layer is DenseSpec dense) return;\n");
    }

    [Fact]
    public void NoStageOutsideLayersSwitchesOnKinds()
    {
        string generator = Path.Combine(RepositoryRoot(), "src", "NetGen.Generator");
        string layers = Path.Combine(generator, "Layers") + Path.DirectorySeparatorChar;
        var problems = new List<string>();
        int scanned = 0;
        foreach (string file in Directory.GetFiles(generator, "*.cs", SearchOption.AllDirectories))
        {
            if (file.StartsWith(layers, StringComparison.Ordinal) || file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            scanned++;
            foreach (Match match in KindDispatch.Matches(File.ReadAllText(file)))
            {
                problems.Add($"{Path.GetRelativePath(generator, file)}: '{match.Value.Trim()}'");
            }
        }
        Assert.True(scanned >= 15, $"only {scanned} files scanned: is the source tree where the test thinks?");
        Assert.True(problems.Count == 0, "Stages must reach kinds through LayerKind, not by switch:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void TheRuntimeNamesNoLayerKind()
    {
        // The runtime knows no layer kinds: what SafeTensors needs comes with the generated parameter blocks.
        string runtime = Path.Combine(RepositoryRoot(), "src", "NetGen.Runtime");
        var kindWords = new Regex(@"""(lstm|gru|simplernn|conv|embedding|dense)[."" ]|case\s+""(weight|bias|conv\.weight|embedding\.weight)""", RegexOptions.IgnoreCase);
        var problems = new List<string>();
        foreach (string file in Directory.GetFiles(runtime, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            foreach (Match match in kindWords.Matches(File.ReadAllText(file)))
            {
                problems.Add($"{Path.GetRelativePath(runtime, file)}: '{match.Value}'");
            }
        }
        Assert.True(problems.Count == 0, "The runtime compares strings against layer kinds:\n" + string.Join("\n", problems));
    }

    private static string RepositoryRoot([CallerFilePath] string callerFile = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(callerFile)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetGen.sln"))) return dir.FullName;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetGen.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Cannot find the repository root (NetGen.sln).");
    }
}
