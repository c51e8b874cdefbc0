using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.Generator.Tests;

/// <summary>
/// The pipeline model must be plain, equatable data: no symbols, syntax, locations or compilations, which
/// would root a whole compilation in the incremental cache and defeat caching. (System.Text.Json's generator tests do the same.)
/// </summary>
public sealed class ModelPurityTests
{
    private const string ModelNamespace = "NetGen.Generator.Model.";

    private static readonly string[] Roots =
    {
        "NetworkSpec", "ParseResult", "DiagnosticInfo", "LocationInfo", "DenseSpec", "OptimizerSpec", "LayerSpec",
    };

    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(Compilation), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location),
        typeof(SyntaxToken), typeof(SyntaxReference), typeof(AttributeData), typeof(SemanticModel),
    };

    public static IEnumerable<object[]> RootNames => Roots.Select(r => new object[] { r });

    /// <summary>Layer kinds keep their spec records in their own folders (namespace NetGen.Generator.Layers).</summary>
    private const string LayersNamespace = "NetGen.Generator.Layers.";

    private static Type ModelType(string name) =>
        GeneratorHarness.GeneratorAssembly.GetType(ModelNamespace + name, throwOnError: false)
        ?? GeneratorHarness.GeneratorAssembly.GetType(LayersNamespace + name, throwOnError: true)!;

    [Theory]
    [MemberData(nameof(RootNames))]
    public void ModelTypesHoldNoRoslynObjects(string root)
    {
        var seen = new HashSet<Type>();
        var problems = new List<string>();
        Walk(ModelType(root), root, seen, problems);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        // The walk really went somewhere (guards against a walker that silently does nothing).
        Assert.Contains(ModelType(root), seen);
    }

    [Fact]
    public void TheWalkerFindsForbiddenTypes()
    {
        // A self-test: a record holding a Location or an ImmutableArray<ISymbol> must be caught.
        var problems = new List<string>();
        Walk(typeof(Impure), nameof(Impure), new HashSet<Type>(), problems);
        Assert.Contains(problems, p => p.Contains(nameof(Location), StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains(nameof(ISymbol), StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains(nameof(TypeDeclarationSyntax), StringComparison.Ordinal));
    }

    [Fact]
    public void NetworkSpecReachesEveryModelType()
    {
        var seen = new HashSet<Type>();
        Walk(ModelType("ParseResult"), "ParseResult", seen, new List<string>());
        foreach (string name in new[] { "NetworkSpec", "DiagnosticInfo", "LocationInfo", "OptimizerSpec", "LayerSpec" })
        {
            Assert.Contains(ModelType(name), seen);
        }
    }

    [Fact]
    public void ModelRecordsAreSealedOrAbstractAndEquatable()
    {
        foreach (string name in Roots)
        {
            Type type = ModelType(name);
            Assert.True(type.IsSealed || type.IsAbstract, $"{name} should be sealed (or the abstract base of sealed records)");
            Assert.True(typeof(IEquatable<>).MakeGenericType(type).IsAssignableFrom(type), $"{name} should implement IEquatable<{name}>");
        }
    }

    [Fact]
    public void ParsingEqualInputTwiceGivesEqualResults()
    {
        object first = ParseResultOf(Networks.Seed);
        object second = ParseResultOf(Networks.Seed);
        Assert.NotSame(first, second);
        Assert.True(first.Equals(second), "Two parses of the same source should give equal ParseResults");
        Assert.Equal(first.GetHashCode(), second.GetHashCode());

        object other = ParseResultOf(Networks.Seed.Replace("[Dense(10, Activation.Softmax)]", "[Dense(11, Activation.Softmax)]", StringComparison.Ordinal));
        Assert.False(first.Equals(other), "A different network must not compare equal");
    }

    [Fact]
    public void ParsingInvalidInputTwiceGivesEqualResults()
    {
        // Diagnostics (with their locations as plain data) compare by value too.
        string invalid = Networks.Seed.Replace("[Dense(10, Activation.Softmax)]", "[Dense(0, Activation.Softmax)]", StringComparison.Ordinal);
        object first = ParseResultOf(invalid);
        object second = ParseResultOf(invalid);
        Assert.True(first.Equals(second));
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    /// <summary>The ParseResult the ParseInput step produced, from a fresh driver run with step tracking.</summary>
    private static object ParseResultOf(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        var step = run.Result.TrackedSteps["ParseInput"].Single();
        object value = step.Outputs.Single().Value;
        Assert.Equal(ModelNamespace + "ParseResult", value.GetType().FullName);
        return value;
    }

    private static void Walk(Type type, string path, HashSet<Type> seen, List<string> problems)
    {
        foreach (Type forbidden in Forbidden)
        {
            if (forbidden.IsAssignableFrom(type))
            {
                problems.Add($"{path} is {type.Name}, which is (or derives from) {forbidden.FullName}");
                return;
            }
        }
        if (!seen.Add(type)) return;
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)) return;

        if (type.IsArray)
        {
            Walk(type.GetElementType()!, path + "[]", seen, problems);
            return;
        }
        if (type.IsGenericType)
        {
            foreach (Type argument in type.GetGenericArguments())
            {
                Walk(argument, $"{path}<{argument.Name}>", seen, problems);
            }
        }
        // Only look inside our own types and Roslyn's plain structs (TextSpan, LinePositionSpan); BCL collections are
        // covered by their generic arguments above.
        bool ours = type.Assembly == GeneratorHarness.GeneratorAssembly || type.Assembly == typeof(Impure).Assembly;
        bool roslynValue = type.IsValueType && type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true;
        if (!ours && !roslynValue) return;

        const BindingFlags all = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        for (Type? t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(all))
            {
                Walk(field.FieldType, $"{path}.{field.Name}", seen, problems);
            }
            foreach (PropertyInfo property in t.GetProperties(all))
            {
                if (property.GetIndexParameters().Length > 0 && property.PropertyType == typeof(object)) continue;
                Walk(property.PropertyType, $"{path}.{property.Name}", seen, problems);
            }
        }
        // Derived layer kinds live in the same namespace: walk them from the abstract base as well.
        if (type.IsAbstract && ours)
        {
            foreach (Type derived in type.Assembly.GetTypes().Where(d => d != type && type.IsAssignableFrom(d)))
            {
                Walk(derived, $"{path}:{derived.Name}", seen, problems);
            }
        }
    }

    private sealed record Impure(Location Where, System.Collections.Immutable.ImmutableArray<ISymbol> Symbols, List<TypeDeclarationSyntax> Syntax);
}
