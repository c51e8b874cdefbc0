using System.Diagnostics;
using System.Globalization;
using CsCheck;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace NetGen.Generator.Tests;

/// <summary>
/// Property-based tests of the generator with CsCheck: random declarations built from every NetGen attribute with random
/// arguments, sensible and nonsensical (zero, negative and huge sizes, NaN and infinite rates, undefined enum values,
/// duplicated and misplaced attributes, attributes on structs, interfaces, records, static, abstract, generic, nested and
/// file-local types). For every case the generator must not throw (no CS8785, no NG9999) and must either report an error
/// (its own NG error, or the compiler's on the user's code) and generate nothing, or generate code.
/// <para>
/// Cost control (2 cores): all <see cref="GeneratorCases"/> cases run the generator only, which is fast. The generated
/// code of about one valid case in <see cref="CompileEvery"/> is also compiled (no error, no warning), and of those, the
/// networks small enough are loaded into a collectible context and train one batch, which must give a finite loss.
/// </para>
/// <para>
/// On failure CsCheck shrinks the case and reports it with its seed; rerun exactly that case by passing the seed to
/// <c>Sample(seed: "...")</c> in the failing test, or set <c>CsCheck_Seed</c> in the environment.
/// </para>
/// </summary>
public sealed class PropertyTests(ITestOutputHelper output)
{
    /// <summary>Generator-only cases per run (the issue asks for at least 2,000).</summary>
    private const int GeneratorCases = 2000;

    /// <summary>Every how many valid cases one is compiled (and, if small, trained for a batch).</summary>
    private const int CompileEvery = 8;

    /// <summary>Valid-space networks compiled and trained per run, on top of the sampled ones.</summary>
    private const int TrainCases = 40;

    // ---------------------------------------------------------------- generators of attribute text

    private static string F(float f) =>
        float.IsNaN(f) ? "float.NaN" :
        float.IsPositiveInfinity(f) ? "float.PositiveInfinity" :
        float.IsNegativeInfinity(f) ? "float.NegativeInfinity" :
        f.ToString("R", CultureInfo.InvariantCulture) + "f";

    private static readonly Gen<int> SmallSize = Gen.Int[1, 12];

    private static readonly Gen<int> AnySize = Gen.Frequency(
        (8, SmallSize),
        (1, Gen.OneOf(0, -1, -7, int.MinValue, int.MaxValue, 1 << 24, (1 << 24) + 1, 100_000, 4096)));

    private static readonly Gen<string> AnyFloat = Gen.Frequency(
        (5, Gen.OneOf(1e-3f, 0.01f, 0.05f, 0.1f, 0.5f, 0.9f, 0.99f, 0.999f, 1e-7f).Select(F)),
        (3, Gen.OneOf(float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, -1f, 1f, 2f, 1e-30f,
            float.Epsilon, float.MaxValue, -float.MaxValue, 1e30f, 1e-6f).Select(F)),
        (1, Gen.Float.Select(F)),
        (1, Gen.OneOf("1", "0", "-3", "0.1", "1e-3", "(float)0.5", "1_000f")));

    private static readonly string[] ActivationNames = { "Linear", "ReLU", "Sigmoid", "Tanh", "Softmax" };
    private static readonly string[] LossNames = { "MeanSquaredError", "BinaryCrossEntropy", "CategoricalCrossEntropy", "SparseCategoricalCrossEntropy" };

    private static readonly Gen<string> AnyActivation = Gen.Frequency(
        (8, Gen.OneOf(ActivationNames).Select(a => "Activation." + a)),
        (1, Gen.OneOf(-1, 5, 42, int.MaxValue).Select(v => $"(Activation)({v})")));

    private static readonly Gen<string> AnyLoss = Gen.Frequency(
        (8, Gen.OneOf(LossNames).Select(l => "LossKind." + l)),
        (1, Gen.OneOf(-1, 4, 9, int.MinValue).Select(v => $"(LossKind)({v})")));

    private static readonly Gen<string> AnyPadding = Gen.Frequency(
        (4, Gen.OneOf("Padding.Valid", "Padding.Same")),
        (1, Gen.OneOf(-1, 2, 77).Select(v => $"(Padding)({v})")));

    private static readonly Gen<string> InputAttribute = Gen.Frequency(
        (6, AnySize.Select(a => $"[Input({a})]")),
        (2, Gen.Select(AnySize, AnySize, (a, b) => $"[Input({a}, {b})]")),
        (2, Gen.Select(AnySize, AnySize, AnySize, (a, b, c) => $"[Input({a}, {b}, {c})]")),
        (1, Gen.OneOf("[Input]", "[Input(null)]", "[Input(new int[0])]", "[Input(new[] { 3, 4 })]", "[Input(4, 4, 4, 4)]")));

    private static readonly Gen<string> DenseAttribute = Gen.Frequency(
        (3, AnySize.Select(u => $"[Dense({u})]")),
        (6, Gen.Select(AnySize, AnyActivation, (u, a) => $"[Dense({u}, {a})]")),
        (1, Gen.Select(AnySize, AnyActivation, (u, a) => $"[Dense(activation: {a}, units: {u})]")));

    private static readonly Gen<string> ImageLayerAttribute = Gen.Frequency(
        (3, Gen.Select(AnySize, AnySize, AnyActivation, (f, k, a) => $"[Conv2D({f}, {k}, {a})]")),
        (1, Gen.Select(AnySize, AnySize, AnySize, AnyPadding, (f, k, s, p) => $"[Conv2D({f}, {k}, Stride = {s}, Padding = {p})]")),
        (2, Gen.Select(Gen.OneOf("MaxPool2D", "AvgPool2D"), AnySize, (n, s) => $"[{n}({s})]")),
        (1, Gen.Select(Gen.OneOf("MaxPool2D", "AvgPool2D"), AnySize, AnySize, AnyPadding, (n, s, t, p) => $"[{n}({s}, Stride = {t}, Padding = {p})]")),
        (2, Gen.Const("[Flatten]")),
        (2, AnyFloat.Select(r => $"[Dropout({r})]")));

    private static readonly Gen<string> LossAttribute = AnyLoss.Select(l => $"[Loss({l})]");

    private static readonly Gen<string> OptimizerAttribute = Gen.Frequency(
        (2, Gen.OneOf("[Sgd]", "[Adam]")),
        (2, AnyFloat.Select(lr => $"[Sgd(LearningRate = {lr})]")),
        (2, Gen.Select(AnyFloat, AnyFloat, (lr, m) => $"[Sgd(LearningRate = {lr}, Momentum = {m})]")),
        (2, AnyFloat.Select(lr => $"[Adam(LearningRate = {lr})]")),
        (2, Gen.Select(AnyFloat, AnyFloat, AnyFloat, AnyFloat, (lr, b1, b2, e) => $"[Adam(LearningRate = {lr}, Beta1 = {b1}, Beta2 = {b2}, Epsilon = {e})]")),
        (1, Gen.Select(AnyFloat, AnyFloat, (b2, b1) => $"[Adam(Beta2 = {b2}, Beta1 = {b1})]")));

    private static readonly Gen<string> AnyAttribute = Gen.Frequency(
        (2, InputAttribute), (4, DenseAttribute), (2, ImageLayerAttribute), (1, LossAttribute), (1, OptimizerAttribute));

    // ---------------------------------------------------------------- valid networks (small, so they compile and train fast)

    private static string ValidOutput(int units, string loss) => loss switch
    {
        "MeanSquaredError" => $"[Dense({units}, Activation.{ActivationNames[units % 4]})]", // Linear, ReLU, Sigmoid or Tanh
        "BinaryCrossEntropy" => $"[Dense({units}, Activation.Sigmoid)]",
        _ => $"[Dense({Math.Max(2, units)}, Activation.Softmax)]",
    };

    private static readonly Gen<string> ValidHidden = Gen.Select(SmallSize, Gen.OneOf("ReLU", "Sigmoid", "Tanh"), (u, a) => $"[Dense({u}, Activation.{a})]");

    private static readonly Gen<string> ValidOptimizer = Gen.Frequency(
        (1, Gen.OneOf("[Adam]", "[Sgd]")),
        (1, Gen.Select(Gen.OneOf(1e-3f, 0.01f, 0.05f), Gen.OneOf(0f, 0.5f, 0.9f), (lr, m) => $"[Sgd(LearningRate = {F(lr)}, Momentum = {F(m)})]")),
        (1, Gen.Select(Gen.OneOf(1e-4f, 1e-3f, 0.01f), Gen.OneOf(0f, 0.8f, 0.9f), Gen.OneOf(0.95f, 0.999f), (lr, b1, b2) =>
            $"[Adam(LearningRate = {F(lr)}, Beta1 = {F(b1)}, Beta2 = {F(b2)}, Epsilon = 1e-6f)]")));

    /// <summary>Input, 0–3 hidden dense layers, an output that fits the loss, an optimizer.</summary>
    private static readonly Gen<string[]> ValidDense =
        from input in SmallSize
        from hidden in ValidHidden.Array[0, 3]
        from loss in Gen.OneOf(LossNames)
        from units in SmallSize
        from optimizer in ValidOptimizer
        select new[] { $"[Input({input})]" }.Concat(hidden).Append(ValidOutput(units, loss)).Append($"[Loss(LossKind.{loss})]").Append(optimizer).ToArray();

    /// <summary>A small image network: convolution, optional pooling and dropout, flatten, dense output.</summary>
    private static readonly Gen<string[]> ValidImage =
        from h in Gen.Int[5, 8] // ≥ kernel + pool window, so every layer fits
        from w in Gen.Int[5, 8]
        from c in Gen.Int[1, 3]
        from filters in Gen.Int[1, 4]
        from kernel in Gen.Int[1, 3]
        from activation in Gen.OneOf("ReLU", "Tanh", "Linear")
        from same in Gen.Bool
        from pool in Gen.OneOf("", "[MaxPool2D(2)]", "[AvgPool2D(2)]")
        from dropout in Gen.OneOf("", "[Dropout(0.25f)]")
        from loss in Gen.OneOf(LossNames)
        from units in SmallSize
        from optimizer in ValidOptimizer
        select new[]
        {
            $"[Input({h}, {w}, {c})]",
            same ? $"[Conv2D({filters}, {kernel}, Activation.{activation}, Padding = Padding.Same)]" : $"[Conv2D({filters}, {kernel}, Activation.{activation})]",
            pool, "[Flatten]", dropout, ValidOutput(units, loss), $"[Loss(LossKind.{loss})]", optimizer,
        }.Where(a => a.Length > 0).ToArray();

    private static readonly Gen<string[]> Valid = Gen.Frequency((3, ValidDense), (1, ValidImage));

    /// <summary>A valid network with one thing changed: an attribute removed, duplicated, moved, or replaced by a random one.</summary>
    private static readonly Gen<string[]> Mutated =
        from valid in Valid
        from kind in Gen.Int[0, 3]
        from i in Gen.Int[0, 100]
        from j in Gen.Int[0, 100]
        from random in AnyAttribute
        select Mutate(valid, kind, i % valid.Length, j % valid.Length, random);

    private static string[] Mutate(string[] attributes, int kind, int i, int j, string random)
    {
        var list = attributes.ToList();
        switch (kind)
        {
            case 0: list.RemoveAt(i); break;
            case 1: list.Insert(j, list[i]); break;
            case 2: (list[i], list[j]) = (list[j], list[i]); break;
            default: list[i] = random; break;
        }
        return list.ToArray();
    }

    private static readonly Gen<string[]> Chaos = AnyAttribute.Array[1, 8];

    // ---------------------------------------------------------------- declarations

    private static readonly Gen<string> OrdinaryName = Gen.OneOf("Net", "XorNet", "Model2", "_Net", "Réseau");

    private static readonly Gen<string> OrdinaryNamespace = Gen.OneOf("", "Demo", "Demo.Models", "Company.Product.Ml", "NetGen.Models", "Demo.System");

    /// <summary>Mostly ordinary names; sometimes one the generated code cannot use (NG0023).</summary>
    private static readonly Gen<string> Name = Gen.Frequency(
        (8, OrdinaryName),
        (1, Gen.OneOf("@event", "Network", "Trainer", "Math", "Workspace", "Rows", "Dense1Weights", "Span")));

    private static readonly Gen<string> Namespace = Gen.Frequency(
        (8, OrdinaryNamespace),
        (1, Gen.OneOf("Demo.Math", "@event.Models", "Demo.Unsafe")));

    /// <summary>A whole source file: the attributes on a type of some kind, in some namespace.</summary>
    private static string Source(string[] attributes, int kind, string name, string ns)
    {
        string attrs = string.Join("\n", attributes);
        string type = kind switch
        {
            0 => $"{attrs}\npublic partial class {name}\n{{\n}}",
            1 => $"{attrs}\npublic partial class {name};",
            2 => $"{attrs}\ninternal sealed partial class {name}\n{{\n    public int Extra => 1;\n}}",
            3 => $"{attrs}\npublic class {name}\n{{\n}}",
            4 => $"{attrs}\npublic partial struct {name}\n{{\n}}",
            5 => $"{attrs}\npublic partial interface {name}\n{{\n}}",
            6 => $"{attrs}\npublic partial record {name};",
            7 => $"{attrs}\npublic partial record struct {name};",
            8 => $"{attrs}\npublic static partial class {name}\n{{\n}}",
            9 => $"{attrs}\npublic abstract partial class {name}\n{{\n}}",
            10 => $"{attrs}\npublic partial class {name}<T>\n{{\n}}",
            11 => $"public partial class Outer\n{{\n{attrs}\n    public partial class {name}\n    {{\n    }}\n}}",
            12 => $"{attrs}\nfile partial class {name}\n{{\n}}",
            13 => $"{attrs}\npublic partial class {name}\n{{\n}}\n\npublic partial class {name}\n{{\n    public override string ToString() => \"net\";\n}}",
            _ => $"{attrs}\npartial class {name}\n{{\n}}",
        };
        string body = ns.Length == 0 ? type : $"namespace {ns};\n\n{type}";
        return $"using NetGen;\n\n{body}\n";
    }

    private static readonly Gen<int> DeclarationKind = Gen.Frequency((12, Gen.OneOf(0, 1, 2, 14)), (4, Gen.Int[3, 13]));

    private static readonly Gen<string> AnySource =
        from attributes in Gen.Frequency((4, Valid), (4, Mutated), (3, Chaos))
        from kind in DeclarationKind
        from name in Name
        from ns in Namespace
        select Source(attributes, kind, name, ns);

    // ---------------------------------------------------------------- the properties

    [Fact]
    public void GeneratorNeverThrowsAndEitherReportsAnErrorOrGeneratesCleanCode()
    {
        GeneratorHarness.Run(Networks.Seed); // load references and JIT Roslyn before timing
        var stopwatch = Stopwatch.StartNew();
        int generated = 0, rejected = 0, compiled = 0, trained = 0, warned = 0;
        AnySource.Sample(source =>
        {
            Outcome outcome = Check(source, compile: StableHash(source) % CompileEvery == 0, train: true);
            if (outcome.Generated) Interlocked.Increment(ref generated); else Interlocked.Increment(ref rejected);
            if (outcome.Compiled) Interlocked.Increment(ref compiled);
            if (outcome.Trained) Interlocked.Increment(ref trained);
            if (outcome.Warned) Interlocked.Increment(ref warned);
        }, iter: GeneratorCases, print: s => "\n" + s);
        output.WriteLine($"{GeneratorCases} cases in {stopwatch.Elapsed.TotalSeconds:F1} s: {generated} generated ({warned} with NG warnings), "
            + $"{rejected} rejected with an error; {compiled} compiled without warnings, {trained} trained one batch");
        Assert.True(generated > GeneratorCases / 5, $"only {generated} of {GeneratorCases} cases generated code: the generators drifted");
        Assert.True(rejected > GeneratorCases / 5, $"only {rejected} of {GeneratorCases} cases were rejected: the generators drifted");
    }

    [Fact]
    public void ValidNetworksCompileWithoutWarningsAndTrainOneBatchToAFiniteLoss()
    {
        GeneratorHarness.Run(Networks.Seed);
        var stopwatch = Stopwatch.StartNew();
        int trained = 0;
        Gen<string> valid = from attributes in Valid from ns in OrdinaryNamespace from name in OrdinaryName select Source(attributes, 0, name, ns);
        valid.Sample(source =>
        {
            Outcome outcome = Check(source, compile: true, train: true);
            Assert.True(outcome.Generated, "a valid network was not generated");
            if (outcome.Trained) Interlocked.Increment(ref trained);
        }, iter: TrainCases, print: s => "\n" + s);
        output.WriteLine($"{TrainCases} valid networks compiled, {trained} trained one batch, in {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(TrainCases, trained);
    }

    /// <summary>
    /// A compilation with the references and no source, its reference symbols loaded once: each case adds its tree to
    /// it, so Roslyn reuses those symbols instead of reading ~200 assemblies' metadata per case.
    /// </summary>
    private static readonly Lazy<Compilation> s_empty = new(() =>
    {
        Compilation empty = GeneratorHarness.CreateCompilation(Array.Empty<SyntaxTree>());
        _ = empty.GetDiagnostics();
        return empty;
    });

    /// <summary>FNV-1a: the same source is always in or out of the compiled subset, so a seed reproduces a failure.</summary>
    private static uint StableHash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s) h = (h ^ c) * 16777619;
        return h;
    }

    private readonly record struct Outcome(bool Generated, bool Compiled, bool Trained, bool Warned);

    /// <summary>The property for one source; throws (an xunit assertion) when it does not hold.</summary>
    private static Outcome Check(string source, bool compile, bool train)
    {
        Compilation compilation = s_empty.Value.AddSyntaxTrees(GeneratorHarness.Parse(source, "/src/Source0.cs"));
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation, compileOutput: false);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);

        Diagnostic[] netgen = run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("NG", StringComparison.Ordinal)).ToArray();
        bool netgenError = netgen.Any(d => d.Severity == DiagnosticSeverity.Error);
        foreach (Diagnostic d in netgen)
        {
            string message = d.GetMessage(CultureInfo.InvariantCulture);
            Assert.DoesNotMatch(@"\{\d\}", message);
            Assert.True(d.Location.IsInSource || d.Location == Location.None, $"{d.Id} has no source location");
        }

        if (netgenError)
        {
            Assert.True(run.GeneratedSources.Count == 0, "NetGen reported an error but generated code anyway:\n" + GeneratorHarness.Format(netgen));
            return new Outcome(false, false, false, false);
        }

        bool userError = run.InputCompilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
        if (run.GeneratedSources.Count == 0)
        {
            // Nothing generated and no NetGen error: only acceptable when the compiler already rejects the user's code.
            Assert.True(userError, "NetGen generated nothing and reported no error");
            return new Outcome(false, false, false, false);
        }
        if (userError) return new Outcome(true, false, false, false); // the user's own errors come first; generated code may fail with them

        Assert.Equal(3, run.GeneratedSources.Count);
        bool warned = netgen.Length > 0;
        if (!compile) return new Outcome(true, false, false, warned);

        Diagnostic[] output = run.OutputCompilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(output.Length == 0, "The generated code does not compile cleanly:\n" + GeneratorHarness.Format(output.Take(10)));
        if (!train) return new Outcome(true, true, false, warned);

        bool trained = false;
        CompileTests.RunInLoadContext(run, model =>
        {
            if (model.ParameterCount > 1 << 20 || model.InputSize > 1 << 16) return; // a valid but large network: compiling it is enough
            var random = new Random(source.Length);
            const int batch = 3;
            var inputs = new float[batch * model.InputSize];
            for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 2 - 1);
            IGradientTrainer trainer = ((ITrainableModel)model).CreateTrainer(batch);
            try
            {
                float loss;
                if (trainer.AcceptsLabels)
                {
                    var labels = new int[batch];
                    for (int i = 0; i < batch; i++) labels[i] = random.Next(model.OutputSize == 1 ? 2 : model.OutputSize);
                    loss = trainer.TrainBatch(inputs, labels);
                }
                else
                {
                    var targets = new float[batch * model.OutputSize];
                    for (int i = 0; i < targets.Length; i++) targets[i] = random.Next(2);
                    loss = trainer.TrainBatch(inputs, targets);
                }
                Assert.True(float.IsFinite(loss), $"loss {loss} after one batch");
                var outputs = new float[batch * model.OutputSize];
                model.Predict(inputs, outputs, batch);
                trained = true;
            }
            finally
            {
                (trainer as IDisposable)?.Dispose();
            }
        });
        return new Outcome(true, true, trained, warned);
    }
}
